internal import Foundation
internal import Verification

/// Why `verifier quantize` refused its input gradient file.
enum QuantizeCommandError: Error, CustomStringConvertible {
    case notFloat32(tensor: String, dtype: String)

    var description: String {
        switch self {
        case .notFloat32(let tensor, let dtype):
            return "tensor \(tensor) is \(dtype); a gradient file holds only F32 tensors"
        }
    }
}

/// `verifier quantize`: turns an fp32 gradient into a pogo/1 gradient artifact, or
/// describes an existing artifact.
///
/// The input gradient is a safetensors file of F32 tensors; the canonical vector is the
/// tensors in name order, each row-major, concatenated. Both forms print
/// {"parameters": P, "blocks": B, "leaves": L} as JSON on success.
enum QuantizeCommand: Subcommand {
    static let name = "quantize"
    static let usage = "quantize GRADIENT.safetensors --out ARTIFACT.safetensors | quantize --inspect ARTIFACT.safetensors"

    static func run(_ arguments: [String]) throws -> Int32 {
        let args = try ArgumentScanner(arguments, valued: ["--out", "--inspect"])
        let gradient: QuantizedGradient
        if let artifact = args.value("--inspect") {
            guard args.positionals.isEmpty, args.value("--out") == nil else {
                throw UsageError("--inspect takes one artifact and nothing else")
            }
            gradient = try GradientArtifact.read(path: artifact)
        } else {
            guard args.positionals.count == 1 else { throw UsageError("expected one gradient file") }
            guard let out = args.value("--out") else { throw UsageError("--out ARTIFACT.safetensors is required") }
            gradient = try QuantizedGradient(quantizing: try canonicalVector(path: args.positionals[0]))
            try GradientArtifact.write(gradient, to: out)
        }
        print(summary(gradient))
        return 0
    }

    /// The file's F32 tensors in canonical (name) order, concatenated.
    static func canonicalVector(path: String) throws -> [Float] {
        let file = try SafeTensorsFile(path: path)
        var vector = [Float]()
        vector.reserveCapacity(file.entries.reduce(0) { $0 + $1.elementCount })
        for entry in file.entries {
            guard entry.dtype == .f32 else { throw QuantizeCommandError.notFloat32(tensor: entry.name, dtype: entry.dtype.rawValue) }
            vector += try file.floats(entry.name)
        }
        return vector
    }

    static func summary(_ g: QuantizedGradient) -> String {
        "{\"parameters\":\(g.parameterCount),\"blocks\":\(g.blockCount),\"leaves\":\(g.leafCount)}"
    }
}
