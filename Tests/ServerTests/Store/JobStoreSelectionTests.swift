import Foundation
import Testing
@testable import Server

/// Which store the service opens for a given `VERIFIER_DATABASE_URL`.
struct JobStoreSelectionTests {
    @Test func noURLOpensSQLiteInDataDirectory() throws {
        let directory = try JobStoreFactory.scratchDirectory().path
        for url in [nil, ""] as [String?] {
            let store = try makeJobStore(databaseURL: url, dataDirectory: directory)
            let sqlite = try #require(store as? SQLiteJobStore)
            #expect(sqlite.path == directory + "/jobs.sqlite")
        }
    }

    @Test func postgresURLOpensPostgresStoreOnDatabaseClock() throws {
        let url = try PostgresTestCluster.freshSchemaURL()
        for spelling in [url, url.replacingOccurrences(of: "postgres://", with: "postgresql://")] {
            let store = try makeJobStore(databaseURL: spelling, dataDirectory: "/nonexistent")
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
            try makeJobStore(databaseURL: "mysql://user:secret@db/jobs", dataDirectory: "/tmp")
        }
    }

    @Test func unparsableURLIsInvalidNotUnavailable() throws {
        let error = try #require(throws: PostgresError.self) {
            try makeJobStore(databaseURL: "postgres://db/jobs?no_such_option=1", dataDirectory: "/tmp")
        }
        guard case .invalidURL(let message) = error else {
            Issue.record("got \(error)")
            return
        }
        #expect(message.contains("no_such_option"))
    }

    @Test func environmentVariableNamesTheDatabase() {
        #expect(JobStoreSelection.databaseURL(environment: ["VERIFIER_DATABASE_URL": "postgres://h/d"]) == "postgres://h/d")
        #expect(JobStoreSelection.databaseURL(environment: ["VERIFIER_DATABASE_URL": ""]) == nil)
        #expect(JobStoreSelection.databaseURL(environment: [:]) == nil)
    }
}
