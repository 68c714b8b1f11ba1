/// `verifier version`: prints the protocol versions this build implements, then the OpenBLAS
/// kernels the process runs (`blas core=... source=...`, see `BLASCoreStatus`).
enum VersionCommand: Subcommand {
    static let name = "version"
    static let usage = "version"

    static func run(_ arguments: [String]) throws -> Int32 {
        guard arguments.isEmpty else { throw UsageError("version takes no arguments") }
        print("verifier pogo/1 poq/1")
        print("blas \(BLASCoreStartup.status)")
        return 0
    }
}
