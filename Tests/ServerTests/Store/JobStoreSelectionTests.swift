import Foundation
import TestSupport
import Testing
@testable import Server

/// Which store the service opens for a given `VERIFIER_DATABASE_URL` or `VERIFIER_DATABASE_URL_FILE`.
struct JobStoreSelectionTests {
    @Test func noURLOpensSQLiteInDataDirectory() throws {
        let directory = try Scratch.directory("jobstore").path
        for url in [nil, ""] as [String?] {
            let store = try makeJobStore(databaseURL: url, sqlitePath: JobStoreSelection.sqlitePath(dataDirectory: directory))
            let sqlite = try #require(store as? SQLiteJobStore)
            #expect(sqlite.path == directory + "/jobs.sqlite")
        }
    }

    @Test func postgresURLOpensPostgresStoreOnDatabaseClock() throws {
        let url = try PostgresTestCluster.freshSchemaURL()
        for spelling in [url, url.replacingOccurrences(of: "postgres://", with: "postgresql://")] {
            let store = try makeJobStore(databaseURL: spelling, sqlitePath: "/nonexistent/jobs.sqlite")
            let postgres = try #require(store as? PostgresJobStore)
            guard case .database = postgres.clock else {
                Issue.record("replicas must share the database clock")
                continue
            }
            try postgres.probe()
        }
    }

    @Test func otherSchemesAreRefusedWithoutEchoingCredentials() {
        #expect(throws: PostgresError.invalidURL("scheme mysql")) {
            try makeJobStore(databaseURL: "mysql://user:secret@db/jobs", sqlitePath: "/tmp/jobs.sqlite")
        }
    }

    @Test func unparsableURLIsInvalidNotUnavailable() throws {
        let error = try #require(throws: PostgresError.self) {
            try makeJobStore(databaseURL: "postgres://db/jobs?no_such_option=1", sqlitePath: "/tmp/jobs.sqlite")
        }
        guard case .invalidURL(let message) = error else {
            Issue.record("got \(error)")
            return
        }
        #expect(message.contains("no_such_option"))
    }

    @Test func environmentVariableNamesTheDatabase() throws {
        #expect(try JobStoreSelection.databaseURL(environment: ["VERIFIER_DATABASE_URL": "postgres://h/d"]) == "postgres://h/d")
        #expect(try JobStoreSelection.databaseURL(environment: ["VERIFIER_DATABASE_URL": ""]) == nil)
        #expect(try JobStoreSelection.databaseURL(environment: [:]) == nil)
    }

    @Test func configurationReadsTheDatabaseURLFromTheEnvironmentItIsGiven() throws {
        let environment = ["VERIFIER_DATABASE_URL": "postgres://h/d"]
        #expect(try ServiceConfiguration.parse([], environment: environment).databaseURL == "postgres://h/d")
        #expect(try ServiceConfiguration.parse([], environment: [:]).databaseURL == nil)
        #expect(throws: DatabaseURLError.bothSet) {
            try ServiceConfiguration.parse([], environment: ["VERIFIER_DATABASE_URL_FILE": "/f", "VERIFIER_DATABASE_URL": "postgres://h/d"])
        }
    }

    @Test func urlFileNamesTheDatabaseWithoutItsTrailingNewline() throws {
        let path = try Scratch.directory("jobstore").appendingPathComponent("url").path
        try Data("postgres://u:secret@h/d\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(try JobStoreSelection.databaseURL(environment: ["VERIFIER_DATABASE_URL_FILE": path]) == "postgres://u:secret@h/d")
        #expect(try JobStoreSelection.databaseURL(environment: ["VERIFIER_DATABASE_URL_FILE": path, "VERIFIER_DATABASE_URL": ""])
            == "postgres://u:secret@h/d")
    }

    @Test func refusesURLFileThatIsMissingTooLargeOrBesideTheVariable() throws {
        let directory = try Scratch.directory("jobstore")
        let missing = directory.appendingPathComponent("missing").path
        #expect(throws: DatabaseURLError.unreadableFile(path: missing)) {
            try JobStoreSelection.databaseURL(environment: ["VERIFIER_DATABASE_URL_FILE": missing])
        }
        let limit = JobStoreSelection.maxFileBytes
        let atLimit = directory.appendingPathComponent("at-limit").path
        try Data(("postgres://h/" + String(repeating: "d", count: limit - 13)).utf8).write(to: URL(fileURLWithPath: atLimit))
        #expect(try JobStoreSelection.databaseURL(environment: ["VERIFIER_DATABASE_URL_FILE": atLimit])?.utf8.count == limit)
        let large = directory.appendingPathComponent("large").path
        try Data(repeating: UInt8(ascii: "d"), count: limit + 1).write(to: URL(fileURLWithPath: large))
        #expect(throws: DatabaseURLError.fileTooLarge(path: large, bytes: limit + 1, limit: limit)) {
            try JobStoreSelection.databaseURL(environment: ["VERIFIER_DATABASE_URL_FILE": large])
        }
        #expect(throws: DatabaseURLError.bothSet) {
            try JobStoreSelection.databaseURL(environment: ["VERIFIER_DATABASE_URL_FILE": atLimit, "VERIFIER_DATABASE_URL": "postgres://h/d"])
        }
    }
}
