import Foundation
import Testing
@testable import Verification
#if canImport(Glibc)
import Glibc
#endif

/// Issue 13: with file artifacts allowed there was no root folder: a bundle could name any
/// file the service could read. Now only files below the root open.
struct FileArtifactRootTests {
    /// A root holding `inside.bin`, a folder, a FIFO, a link to the file and a link out.
    static func root() throws -> (FileArtifactRoot, String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("artifact-root-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/root/sub", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: folder + "/root/inside.bin", contents: Data([1, 2, 3]))
        _ = FileManager.default.createFile(atPath: folder + "/outside.bin", contents: Data([4, 5, 6]))
        try FileManager.default.createSymbolicLink(atPath: folder + "/root/sub/link.bin", withDestinationPath: folder + "/root/inside.bin")
        try FileManager.default.createSymbolicLink(atPath: folder + "/root/escape.bin", withDestinationPath: folder + "/outside.bin")
        try FileManager.default.createSymbolicLink(atPath: folder + "/root/escape", withDestinationPath: folder)
        #expect(mkfifo(folder + "/root/fifo", 0o600) == 0)
        return (try FileArtifactRoot(path: folder + "/root/"), folder)
    }

    static func read(_ root: FileArtifactRoot, _ uri: String) throws(FileArtifactError) -> [UInt8] {
        let fd = try root.open(uri)
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 16)
        let n = Glibc.read(fd, &buffer, 16)
        return Array(buffer[0..<max(n, 0)])
    }

    @Test func opensFilesBelowTheRootAndLinksThatStayInside() throws {
        let (root, folder) = try Self.root()
        #expect(try Self.read(root, "file://\(folder)/root/inside.bin") == [1, 2, 3])
        #expect(try Self.read(root, "file://\(folder)/root/sub/link.bin") == [1, 2, 3])
        #expect(try Self.read(root, "file://\(folder)/root/./sub//link.bin") == [1, 2, 3])
        #expect(try Self.read(root, "file://\(folder)/root/inside%2Ebin") == [1, 2, 3])
    }

    @Test func refusesParentReferencesEvenWhenTheyLandInside() throws {
        let (root, folder) = try Self.root()
        for uri in ["file://\(folder)/root/sub/../inside.bin", "file://\(folder)/root/%2e%2e/outside.bin", "file://\(folder)/root/.."] {
            #expect(throws: FileArtifactError.parentReference(uri: uri)) { try Self.read(root, uri) }
        }
    }

    @Test func refusesLinksOutOfTheRoot() throws {
        let (root, folder) = try Self.root()
        for uri in ["file://\(folder)/root/escape.bin", "file://\(folder)/root/escape/outside.bin"] {
            #expect(throws: FileArtifactError.outsideRoot(uri: uri)) { try Self.read(root, uri) }
        }
    }

    /// Outside the root nothing is opened: a missing file and an existing one get the same answer.
    @Test func refusesPathsOutsideTheRootWithoutLookingAtThem() throws {
        let (root, folder) = try Self.root()
        for uri in ["file:///etc/shadow", "file:///nonexistent-\(UUID().uuidString)", "file://\(folder)/outside.bin",
                    "file://\(folder)/root", "file://\(folder)/rootx/inside.bin"] {
            #expect(throws: FileArtifactError.outsideRoot(uri: uri)) { try Self.read(root, uri) }
        }
    }

    @Test func refusesWhatIsNotALocalAbsolutePath() throws {
        let (root, folder) = try Self.root()
        for uri in ["file://host\(folder)/root/inside.bin", "file:relative", "http://x/y", "file://\(folder)/root/a%00b"] {
            #expect(throws: FileArtifactError.notALocalPath(uri: uri)) { try Self.read(root, uri) }
        }
    }

    @Test func refusesFoldersAndFIFOsBelowTheRoot() throws {
        let (root, folder) = try Self.root()
        for uri in ["file://\(folder)/root/sub", "file://\(folder)/root/fifo"] {
            #expect(throws: FileArtifactError.notARegularFile(uri: uri)) { try Self.read(root, uri) }
        }
        #expect(throws: FileArtifactError.self) { try Self.read(root, "file://\(folder)/root/missing.bin") }
    }

    /// A relative root is taken as resolved: no absolute path that merely looks like it passes.
    @Test func resolvesARelativeRoot() throws {
        let (_, folder) = try Self.root()
        // The same folder, relative to the working directory (which other tests share, so it stays put).
        let depth = FileManager.default.currentDirectoryPath.split(separator: "/").count
        let root = try FileArtifactRoot(path: String(repeating: "../", count: depth) + folder.dropFirst() + "/root")
        #expect(root.path == root.resolvedPath && root.path.hasSuffix("/root"))
        #expect(throws: FileArtifactError.outsideRoot(uri: "file:///root/inside.bin")) { try Self.read(root, "file:///root/inside.bin") }
    }

    @Test func refusesARootThatIsNotAFolder() throws {
        let (_, folder) = try Self.root()
        #expect(throws: FileArtifactError.unusableRoot(path: folder + "/outside.bin", errno: ENOTDIR)) {
            try FileArtifactRoot(path: folder + "/outside.bin")
        }
        #expect(throws: FileArtifactError.self) { try FileArtifactRoot(path: folder + "/missing") }
    }
}
