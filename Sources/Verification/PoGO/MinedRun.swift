internal import Foundation

/// Everything a miner commits to, before it is written as a bundle. Fields are variables so
/// experiments can alter one commitment (a root, a loss) and write the altered bundle.
public struct MinedRun: Sendable {
    /// One step's commitments.
    public struct Step: Sendable, Hashable {
        public var weightsRoot: Digest
        public var gradientRoot: Digest
        public var loss: Float
    }

    /// Where the artifacts go: inline base64, or files in a directory named by `file://` URIs.
    public enum Placement: Sendable {
        case inline
        case files(directory: String)
    }

    public var settings: PoGOMiner.Settings
    public var layout: ParameterLayout
    public var theta0: [Float]
    public var theta0Root: Digest
    public var gradients: [QuantizedGradient]
    public var steps: [Step]
    public var initialEvaluationLoss: Float
    public var finalEvaluationLoss: Float

    /// The bundle JSON (docs/protocol-parts/bundle.md). With `.files`, writes theta0.safetensors
    /// and grad-0001.safetensors, ... into the directory (which must exist) and names them by
    /// absolute `file://` URIs.
    public func bundleJSON(_ placement: Placement) throws -> [UInt8] {
        let theta0Bytes = SafeTensorsWriter.encode(layout.tensors(from: theta0))
        var theta0Artifact: String
        var gradientArtifacts: [String] = []
        switch placement {
        case .inline:
            theta0Artifact = Self.inline(theta0Bytes)
            gradientArtifacts = gradients.map { Self.inline(GradientArtifact.encode($0)) }
        case let .files(directory):
            let base = directory.hasPrefix("/") ? directory : FileManager.default.currentDirectoryPath + "/" + directory
            try Data(theta0Bytes).write(to: URL(fileURLWithPath: base + "/theta0.safetensors"))
            theta0Artifact = Self.uri(base + "/theta0.safetensors")
            for (i, g) in gradients.enumerated() {
                let path = base + "/" + Self.gradientFileName(step: i + 1)
                try GradientArtifact.write(g, to: path)
                gradientArtifacts.append(Self.uri(path))
            }
        }
        var out = "{\"protocol\":\"pogo/1\",\"model\":" + Self.modelJSON(settings.model)
        out += ",\"dataset\":{\"sha256\":\"\(settings.datasetDigest.hex)\"}"
        out += ",\"lr\":\(settings.learningRate),\"batchSize\":\(settings.batchSize)"
        out += ",\"blockSeed\":\"\(settings.blockSeed.hex)\",\"parameters\":\(layout.count)"
        out += ",\"theta0Root\":\"\(theta0Root.hex)\",\"steps\":["
        out += steps.map { "{\"weightsRoot\":\"\($0.weightsRoot.hex)\",\"gradientRoot\":\"\($0.gradientRoot.hex)\",\"loss\":\($0.loss)}" }
            .joined(separator: ",")
        out += "],\"evaluation\":{\"batchSize\":\(settings.evaluationBatchSize),\"initialLoss\":\(initialEvaluationLoss)"
        out += ",\"finalLoss\":\(finalEvaluationLoss)},\"artifacts\":{\"theta0\":\(theta0Artifact),\"gradients\":["
        out += gradientArtifacts.joined(separator: ",") + "]}}"
        return Array(out.utf8)
    }

    /// "grad-0001.safetensors" for step 1.
    public static func gradientFileName(step: Int) -> String {
        let digits = String(step)
        return "grad-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits + ".safetensors"
    }

    private static func inline(_ bytes: [UInt8]) -> String {
        "{\"inline\":\"" + Data(bytes).base64EncodedString() + "\"}"
    }

    private static func uri(_ path: String) -> String {
        "{\"uri\":" + JSONText.quote(URL(fileURLWithPath: path).absoluteString) + "}"
    }

    private static func modelJSON(_ model: ProofBundle.Model) -> String {
        switch model {
        case let .mlp(inputs, hidden, classes, activation):
            let widths = hidden.map(String.init).joined(separator: ",")
            return "{\"architecture\":\"mlp\",\"config\":{\"inputs\":\(inputs),\"hidden\":[\(widths)],"
                + "\"classes\":\(classes),\"activation\":\(JSONText.quote(activation))}}"
        case let .gpt(layers, channels, heads, context):
            return "{\"architecture\":\"gpt\",\"config\":{\"layers\":\(layers),\"channels\":\(channels),"
                + "\"heads\":\(heads),\"context\":\(context)}}"
        }
    }
}
