internal import Foundation
internal import JSONWriter

/// Everything a miner commits to, before it is written as a bundle. Fields are variables so
/// experiments can alter one commitment (a root, a loss) and write the altered bundle.
public struct MinedRun: Sendable {
    /// One step's commitments.
    public struct Step: Sendable, Hashable {
        public var weightsRoot: Digest
        public var gradientRoot: Digest
        public var loss: Float
    }

    /// Where the artifacts go: inline base64, files in a directory named by `file://` URIs, or
    /// files in a directory published at `baseURL` (named `baseURL/<file name>`).
    public enum Placement: Sendable {
        case inline
        case files(directory: String)
        case published(directory: String, baseURL: String)
    }

    public var settings: PoGOMiner.Settings
    public var layout: ParameterLayout
    public var theta0: [Float]
    public var theta0Root: Digest
    public var gradients: [QuantizedGradient]
    public var steps: [Step]
    public var initialEvaluationLoss: Float
    public var finalEvaluationLoss: Float

    /// The bundle JSON (docs/protocol-parts/bundle.md). With `.files` or `.published`, writes
    /// theta0.safetensors and grad-0001.safetensors, ... into the directory (which must exist)
    /// and names them by absolute `file://` URIs or under the base URL. With `trees`, adds the
    /// tree files of every root (docs/protocol-parts/remote.md), placed the same way.
    public func bundleJSON(_ placement: Placement, trees: Bool = false) throws -> [UInt8] {
        var files: [(name: String, bytes: [UInt8])] = [("theta0.safetensors", SafeTensorsWriter.encode(layout.tensors(from: theta0)))]
        for (i, g) in gradients.enumerated() { files.append((Self.gradientFileName(step: i + 1), GradientArtifact.encode(g))) }
        if trees { files += treeFiles() }
        var placed: [String] = []
        for file in files {
            switch placement {
            case .inline:
                placed.append(Self.inline(file.bytes))
            case let .files(directory), let .published(directory, _):
                let base = directory.hasPrefix("/") ? directory : FileManager.default.currentDirectoryPath + "/" + directory
                try Data(file.bytes).write(to: URL(fileURLWithPath: base + "/" + file.name))
                if case let .published(_, baseURL) = placement {
                    placed.append("{\"uri\":" + JSONText.quote(baseURL + "/" + file.name) + "}")
                } else {
                    placed.append(Self.uri(base + "/" + file.name))
                }
            }
        }
        let n = gradients.count
        let theta0Artifact = placed[0]
        let gradientArtifacts = Array(placed[1...n])
        var out = "{\"protocol\":\"pogo/1\",\"model\":" + Self.modelJSON(settings.model)
        out += ",\"dataset\":{\"sha256\":\"\(settings.datasetDigest.hex)\"}"
        out += ",\"lr\":\(settings.learningRate),\"batchSize\":\(settings.batchSize)"
        if case let .adamw(adam) = settings.optimizer {
            out += ",\"optimizer\":{\"name\":\"adamw\",\"beta1\":\(adam.beta1),\"beta2\":\(adam.beta2),\"eps\":\(adam.eps)"
                + ",\"weightDecay\":\(adam.weightDecay)}"
        }
        out += ",\"blockSeed\":\"\(settings.blockSeed.hex)\",\"parameters\":\(layout.count)"
        out += ",\"theta0Root\":\"\(theta0Root.hex)\",\"steps\":["
        out += steps.map { "{\"weightsRoot\":\"\($0.weightsRoot.hex)\",\"gradientRoot\":\"\($0.gradientRoot.hex)\",\"loss\":\($0.loss)}" }
            .joined(separator: ",")
        out += "],\"evaluation\":{\"batchSize\":\(settings.evaluationBatchSize),\"initialLoss\":\(initialEvaluationLoss)"
        out += ",\"finalLoss\":\(finalEvaluationLoss)},\"artifacts\":{\"theta0\":\(theta0Artifact),\"gradients\":["
        out += gradientArtifacts.joined(separator: ",") + "]"
        if trees {
            out += ",\"theta0Tree\":\(placed[n + 1]),\"weightTrees\":[" + placed[(n + 2)...(2 * n + 1)].joined(separator: ",")
            out += "],\"gradientTrees\":[" + placed[(2 * n + 2)...].joined(separator: ",") + "]"
        }
        out += "}}"
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
        case let .gpt2(config):
            return "{\"architecture\":\"gpt2\",\"config\":" + GPT2ConfigJSON.encode(config) + "}"
        }
    }
}
