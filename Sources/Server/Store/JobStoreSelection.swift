internal import Foundation

/// Chooses and opens the service's job store from its configuration.
enum JobStoreSelection {
    /// The environment variable naming the PostgreSQL database; SQLite is used when it is
    /// unset or empty. Format: `postgres://user:password@host:port/database?sslmode=...`
    /// (any libpq connection URI).
    static let environmentVariable = "VERIFIER_DATABASE_URL"

    /// The SQLite file's name inside the data directory.
    static let sqliteFileName = "jobs.sqlite"

    /// The database URL from `environment` (normally the process's), nil when unset or empty.
    static func databaseURL(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard let url = environment[environmentVariable], !url.isEmpty else { return nil }
        return url
    }
}

/// Opens the job store the service runs on: PostgreSQL when `databaseURL` is given (lease times
/// from the database clock, so every replica agrees), otherwise SQLite in
/// `dataDirectory/jobs.sqlite` (lease times from this process's clock).
///
/// Throws `PostgresError.invalidURL` for a URL that is neither empty nor `postgres://` /
/// `postgresql://`, `PostgresError.unavailable` when the database cannot be reached, and the
/// SQLite store's errors for a bad data directory.
func makeJobStore(databaseURL: String?, dataDirectory: String,
                  policy: JobLeasePolicy = JobLeasePolicy()) throws -> any JobStore {
    guard let databaseURL, !databaseURL.isEmpty else {
        let path = URL(fileURLWithPath: dataDirectory).appendingPathComponent(JobStoreSelection.sqliteFileName).path
        return try SQLiteJobStore(path: path, policy: policy)
    }
    return try PostgresJobStore(url: databaseURL, policy: policy, clock: .database)
}
