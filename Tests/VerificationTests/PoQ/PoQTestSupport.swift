import Foundation
import TestSupport
import Verification

/// Paths and helpers shared by the PoQ tests: the real model that scripts/setup installs and
/// the PoQ fixtures.
enum PoQTestSupport {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let modelDirectory = Repository.path("models/all-MiniLM-L6-v2")
    static let fixtures = Repository.path("Tests/Fixtures/poq")

    /// The real model's directory; fails with a clear message when scripts/setup has not run.
    static func requireModel() throws -> String {
        guard FileManager.default.fileExists(atPath: modelDirectory + "/model.safetensors") else {
            throw Failure(description: "missing \(modelDirectory)/model.safetensors: run scripts/setup")
        }
        return modelDirectory
    }

    static func tokenizer(maxLength: Int = 512) throws -> BertTokenizer {
        let vocabulary = try WordPieceVocabulary(path: try requireModel() + "/vocab.txt")
        return try BertTokenizer(vocabulary: vocabulary, maxLength: maxLength)
    }
}

extension PoQTestSupport {
    nonisolated(unsafe) private static var cachedSimilarity: PoQEvaluator?
    nonisolated(unsafe) private static var cachedCrossEncoderDirectory: String?
    private static let lock = NSLock()

    /// The real model in similarity mode, loaded once per test process.
    static func similarityEvaluator() throws -> PoQEvaluator {
        lock.lock()
        defer { lock.unlock() }
        if let e = cachedSimilarity { return e }
        let e = try PoQEvaluator(directory: try requireModel())
        cachedSimilarity = e
        return e
    }

    /// A temporary cross-encoder checkpoint: the real model's tensors under a `bert.` prefix
    /// plus the committed random classifier head (Tests/Fixtures/poq/classifier-head.safetensors).
    static func crossEncoderDirectory() throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if let d = cachedCrossEncoderDirectory { return d }
        let model = try requireModel()
        let directory = NSTemporaryDirectory() + "poq-cross-encoder-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for name in ["config.json", "vocab.txt"] {
            let target = directory + "/" + name
            try? FileManager.default.removeItem(atPath: target)
            try FileManager.default.copyItem(atPath: model + "/" + name, toPath: target)
        }
        let base = try SafeTensorsFile(path: model + "/model.safetensors")
        let head = try SafeTensorsFile(path: fixtures + "/classifier-head.safetensors")
        var tensors: [SafeTensorsWriter.Tensor] = []
        for entry in base.entries where entry.dtype == .f32 {
            tensors.append(.init(name: "bert." + entry.name, shape: entry.shape, floats: try base.floats(entry.name)))
        }
        for entry in head.entries {
            tensors.append(.init(name: entry.name, shape: entry.shape, floats: try head.floats(entry.name)))
        }
        try SafeTensorsWriter.write(tensors, to: directory + "/model.safetensors")
        cachedCrossEncoderDirectory = directory
        return directory
    }
}
