// swift-tools-version: 6.0
import PackageDescription

// Dependencies point one way: Server -> {HTTPCore, Verification} -> JSONWriter.
// HTTPCore and Verification never import each other; both write JSON with JSONWriter.
// The product depends on no Swift packages, only on the system libraries the design names.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "verifier",
    products: [
        .executable(name: "verifier", targets: ["Server"]),
        .library(name: "HTTPCore", targets: ["HTTPCore"]),
        .library(name: "Verification", targets: ["Verification"]),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CPQ", path: "Sources/CPQ", pkgConfig: "libpq",
                       providers: [.apt(["libpq-dev"])]),

        // epoll, eventfd, accept4 and mallopt, which the Glibc module does not export.
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),

        // C kernels the Swift compiler cannot express well: two SHA-256 messages at once with the
        // x86 SHA extensions (Merkle leaves in pairs), GELU/erf with AVX2+FMA when present,
        // Keccak-256 (Ethereum's hash, which OpenSSL 3.0 lacks), and CPUID/XGETBV (which OpenBLAS
        // kernels the CPU deserves).
        .target(name: "CKernels", path: "Sources/CKernels"),

        .target(name: "JSONWriter", swiftSettings: strict),
        .target(name: "HTTPCore", dependencies: ["CLinux", "JSONWriter"], swiftSettings: strict),
        .target(name: "Verification", dependencies: ["CBLAS", "CCrypto", "CKernels", "JSONWriter"], swiftSettings: strict),
        .executableTarget(
            name: "Server",
            dependencies: ["HTTPCore", "Verification", "JSONWriter", "CSQLite", "CCurl", "CPQ", "CLinux"],
            swiftSettings: strict),

        // What every test target shares: the repository root, scratch folders, running a process
        // and the venv's Python. It depends on no product module.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "JSONWriterTests", dependencies: ["JSONWriter"]),
        .testTarget(name: "HTTPCoreTests", dependencies: ["HTTPCore", "TestSupport"]),
        .testTarget(name: "VerificationTests", dependencies: ["Verification", "CBLAS", "CCrypto", "CKernels", "TestSupport"]),
        .testTarget(name: "ServerTests", dependencies: ["Server", "HTTPCore", "Verification", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
