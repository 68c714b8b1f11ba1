internal import Verification

/// `verifier merkle root FILE`: prints the pogo/1 parameter commitment of a safetensors
/// checkpoint as {"root": hex, "leaves": n, "parameters": p}.
enum MerkleRootCommand: Subcommand {
    static let name = "merkle root"
    static let usage = "merkle root FILE.safetensors"

    static func run(_ arguments: [String]) throws -> Int32 {
        let args = try ArgumentScanner(arguments, valued: [])
        guard args.positionals.count == 1 else { throw UsageError("merkle root takes exactly one FILE") }
        // No BLAS here: stop OpenBLAS's idle threads, which would spin beside the hashing.
        setBLASThreadCount(1)
        let commitment = try ParameterCommitment(file: SafeTensorsFile(path: args.positionals[0]))
        let json = JSONValue.object([
            ("root", .string(commitment.root.hex)), ("leaves", .number(String(commitment.leafCount))),
            ("parameters", .number(String(commitment.parameterCount))),
        ])
        print(String(decoding: json.encoded(), as: UTF8.self))
        return 0
    }
}
