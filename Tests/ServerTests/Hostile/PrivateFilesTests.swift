import Foundation
import TestSupport
import Testing
@testable import Server

/// Issue 13: the data folder was created 0755 and jobs.sqlite 0644, so any local user could
/// read every bundle and verdict.
struct PrivateFilesTests {
    static func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test func serviceCreatesItsDataFolder0700AndTheDatabaseAndItsLogs0600() throws {
        let data = try Scratch.directory("private").path + "/a/var"
        var configuration = ServiceConfiguration()
        configuration.dataDirectory = data
        configuration.datasetDirectory = try Scratch.directory("private-data").path
        configuration.modelDirectory = "/nonexistent"
        configuration.workers = 0
        let service = try VerifierService(configuration: configuration, log: StderrLog())
        _ = service.readiness()
        #expect(try Self.mode(data) == 0o700)
        for suffix in ["", "-wal", "-shm"] {
            #expect(try Self.mode(configuration.databasePath + suffix) == 0o600, "jobs.sqlite\(suffix)")
        }
        #expect(try Self.mode(configuration.resolvedKeyFile) == 0o600)
    }

    @Test func existingFilesAndFoldersKeepTheirModes() throws {
        let folder = try Scratch.directory("private-existing").path
        try FileManager.default.setAttributes([.posixPermissions: 0o750], ofItemAtPath: folder)
        try PrivateFiles.createFolder(folder)
        #expect(try Self.mode(folder) == 0o750)
        let file = folder + "/jobs.sqlite"
        _ = FileManager.default.createFile(atPath: file, contents: nil, attributes: [.posixPermissions: 0o640])
        PrivateFiles.createFileIfMissing(file)
        #expect(try Self.mode(file) == 0o640)
    }
}
