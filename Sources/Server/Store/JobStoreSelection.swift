internal import Foundation

/// Chooses and opens the service's job store from its configuration.
enum JobStoreSelection {
    /// The environment variable naming the PostgreSQL database; SQLite is used when it is
    /// unset or empty. Format: `postgres://user:password@host:port/database?sslmode=...`
    /// (any libpq connection URI).
    static let environmentVariable = "VERIFIER_DATABASE_URL"

    /// The SQLite file's name inside the data directory.
    static let sqliteFileName = "jobs.sqlite"

    /// The environment variable naming a file that holds the URL, for orchestrators that mount
    /// secrets as files (a Kubernetes Secret volume, a compose secret). Trailing whitespace in
    /// the file is ignored.
    static let fileEnvironmentVariable = "VERIFIER_DATABASE_URL_FILE"

    /// Largest database URL file read, in bytes. 4,096.
    static let maxFileBytes = 4_096

    /// The database URL from `environment`, or from the file its `VERIFIER_DATABASE_URL_FILE`
    /// names; nil when neither is set (or the value is empty). `ServiceConfiguration.parse`
    /// calls it once, with the environment it is given.
    static func databaseURL(environment: [String: String]) throws(DatabaseURLError) -> String? {
        let direct = environment[environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
        guard let path = environment[fileEnvironmentVariable], !path.isEmpty else { return direct }
        guard direct == nil else { throw .bothSet }
        guard let bytes = FileManager.default.contents(atPath: path) else { throw .unreadableFile(path: path) }
        guard bytes.count <= maxFileBytes else { throw .fileTooLarge(path: path, bytes: bytes.count, limit: maxFileBytes) }
        let url = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return url.isEmpty ? nil : url
    }

    /// The SQLite file of the data folder `dataDirectory`: `<dataDirectory>/jobs.sqlite`.
    static func sqlitePath(dataDirectory: String) -> String {
        dataDirectory + "/" + sqliteFileName
    }
}

/// Opens the job store the service runs on: PostgreSQL when `databaseURL` is given (lease times
/// from the database clock, so every replica agrees), otherwise SQLite at `sqlitePath` (lease
/// times from this process's clock).
///
/// Throws `PostgresError.invalidURL` for a URL that is neither empty nor `postgres://` /
/// `postgresql://`, `PostgresError.unavailable` when the database cannot be reached, and the
/// SQLite store's errors for a bad data directory.
func makeJobStore(databaseURL: String?, sqlitePath: String,
                  policy: JobLeasePolicy = JobLeasePolicy()) throws -> any JobStore {
    guard let databaseURL, !databaseURL.isEmpty else {
        return try SQLiteJobStore(path: sqlitePath, policy: policy)
    }
    return try PostgresJobStore(url: databaseURL, policy: policy, clock: .database)
}
