/// What a sentence-transformers checkpoint says about embedding a text, read from its
/// modules.json, sentence_bert_config.json, pooling config.json and
/// config_sentence_transformers.json, exactly as sentence-transformers applies it; anything
/// else is refused by name.
///
/// Accepted pipeline (modules.json, in file order): `sentence_transformers.models.Transformer`
/// at path "" (this directory), then `sentence_transformers.models.Pooling`, then optionally
/// `sentence_transformers.models.Normalize`; no module `kwargs`.
/// - sentence_bert_config.json: `max_seq_length` (an integer or null) and `do_lower_case`
///   (false only: sentence-transformers would lower-case with Python's `str.lower`).
/// - the Pooling config: `word_embedding_dimension` (the hidden size), the four
///   `pooling_mode_*` flags of ``SentencePooling`` or a `pooling_mode` name for one of them;
///   `pooling_mode_weightedmean_tokens` and `pooling_mode_lasttoken` must be false;
///   `include_prompt` is read but changes nothing, as no prompt is ever added.
/// - config_sentence_transformers.json: `similarity_fn_name` "cosine" or null,
///   `default_prompt_name` null, `model_type` "SentenceTransformer"; other keys (versions,
///   named prompts that are never used) are not read.
struct SentenceTransformersConfig: Sendable, Hashable {
    /// `max_seq_length`: most tokens per text, [CLS] and [SEP] included; nil when not set.
    var maxSeqLength: Int?
    /// The pooling modes.
    var pooling: SentencePooling
    /// Whether the pipeline ends with a Normalize module.
    var normalize: Bool

    static let transformer = "sentence_transformers.models.Transformer"
    static let poolingModule = "sentence_transformers.models.Pooling"
    static let normalizeModule = "sentence_transformers.models.Normalize"

    /// What sentence-transformers builds for a checkpoint without modules.json: the
    /// Transformer module (length from the model and tokenizer) and mean pooling, nothing else.
    static let withoutModules = SentenceTransformersConfig(maxSeqLength: nil, pooling: .meanTokens, normalize: false)

    /// Reads the configuration in `directory`; nil when it has no modules.json.
    init?(directory: String, hiddenSize: Int) throws {
        guard let modules = try CheckpointJSON.read(directory: directory, file: "modules.json") else { return nil }
        let list = try modules.read { () throws(JSONFieldError) in try modules.root.array(maxCount: 16) }
        let pipeline = "\(Self.transformer) at path \"\", then \(Self.poolingModule), then optionally \(Self.normalizeModule)"
        func type(_ i: Int) throws -> String? { i < list.count ? try modules.string(list[i], "type") : nil }
        for module in list {
            if let kwargs = try modules.member(module, "kwargs"), (try? kwargs.count()) != 0 {
                throw modules.unsupported(kwargs.path, kwargs, supported: "no kwargs")
            }
        }
        guard try type(0) == Self.transformer else {
            throw modules.unsupported("[0].type", list.first.flatMap { try? modules.member($0, "type") }, supported: pipeline)
        }
        if let path = try modules.string(list[0], "path"), !path.isEmpty {
            throw modules.unsupported("[0].path", try modules.member(list[0], "path"), supported: "\"\" (the checkpoint directory)")
        }
        guard try type(1) == Self.poolingModule, let poolingPath = try modules.string(list[1], "path") else {
            throw modules.unsupported("[1].type", list.count > 1 ? try modules.member(list[1], "type") : nil, supported: pipeline)
        }
        guard !poolingPath.isEmpty, poolingPath != ".", poolingPath != "..",
              poolingPath.utf8.allSatisfy({ $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "\\") }) else {
            throw modules.unsupported("[1].path", try modules.member(list[1], "path"), supported: "a folder name in the checkpoint directory")
        }
        normalize = try type(2) == Self.normalizeModule
        if list.count > (normalize ? 3 : 2) {
            let extra = normalize ? 3 : 2
            throw modules.unsupported("[\(extra)].type", try modules.member(list[extra], "type"), supported: pipeline)
        }
        maxSeqLength = try Self.readTransformer(directory: directory)
        pooling = try Self.readPooling(directory: directory, path: poolingPath, hiddenSize: hiddenSize)
        try Self.readModelConfig(directory: directory)
    }

    init(maxSeqLength: Int?, pooling: SentencePooling, normalize: Bool) {
        self.maxSeqLength = maxSeqLength
        self.pooling = pooling
        self.normalize = normalize
    }

    /// sentence_bert_config.json: `max_seq_length`, nil when absent or null.
    private static func readTransformer(directory: String) throws -> Int? {
        guard let json = try CheckpointJSON.read(directory: directory, file: "sentence_bert_config.json") else { return nil }
        try json.refuseUnknownMembers(json.root, known: ["max_seq_length", "do_lower_case"])
        if try json.bool(json.root, "do_lower_case") == true {
            throw json.unsupported("do_lower_case", try json.member(json.root, "do_lower_case"), supported: "false")
        }
        return try json.member(json.root, "max_seq_length").map { try json.count($0) }
    }

    /// The Pooling module's config.json.
    private static func readPooling(directory: String, path: String, hiddenSize: Int) throws -> SentencePooling {
        let file = path + "/config.json"
        guard let json = try CheckpointJSON.read(directory: directory, file: file) else {
            throw PoQCheckpointError.unreadable(file: file)
        }
        let root = json.root
        try json.refuseUnknownMembers(root, known: [
            "word_embedding_dimension", "pooling_mode", "pooling_mode_cls_token", "pooling_mode_mean_tokens",
            "pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens", "pooling_mode_weightedmean_tokens",
            "pooling_mode_lasttoken", "include_prompt",
        ])
        let dimension = try json.member(root, "word_embedding_dimension")
        guard let dimension, try json.count(dimension) == hiddenSize else {
            throw json.unsupported("word_embedding_dimension", dimension, supported: "\(hiddenSize), the model's hidden size")
        }
        _ = try json.bool(root, "include_prompt")
        let names = ["cls", "max", "mean", "mean_sqrt_len_tokens"]
        var pooling: SentencePooling
        if let mode = try json.string(root, "pooling_mode") {
            guard let index = names.firstIndex(of: mode.lowercased()) else {
                throw json.unsupported("pooling_mode", try json.member(root, "pooling_mode"), supported: names.joined(separator: ", "))
            }
            pooling = SentencePooling(cls: index == 0, max: index == 1, mean: index == 2, meanSqrtLength: index == 3)
        } else {
            pooling = SentencePooling(cls: try json.bool(root, "pooling_mode_cls_token") ?? false,
                                      max: try json.bool(root, "pooling_mode_max_tokens") ?? false,
                                      mean: try json.bool(root, "pooling_mode_mean_tokens") ?? true,
                                      meanSqrtLength: try json.bool(root, "pooling_mode_mean_sqrt_len_tokens") ?? false)
            for key in ["pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken"] where try json.bool(root, key) == true {
                throw json.unsupported(key, try json.member(root, key), supported: "false")
            }
        }
        guard !pooling.names.isEmpty else {
            throw json.unsupported("pooling_mode_mean_tokens", try json.member(root, "pooling_mode_mean_tokens"),
                                   supported: "at least one pooling mode on")
        }
        return pooling
    }

    /// config_sentence_transformers.json: nothing may change the score's meaning.
    private static func readModelConfig(directory: String) throws {
        guard let json = try CheckpointJSON.read(directory: directory, file: "config_sentence_transformers.json") else { return }
        let root = json.root
        if let name = try json.string(root, "similarity_fn_name"), name != "cosine" {
            throw json.unsupported("similarity_fn_name", try json.member(root, "similarity_fn_name"), supported: "\"cosine\" or null")
        }
        if let prompt = try json.member(root, "default_prompt_name") {
            throw json.unsupported("default_prompt_name", prompt, supported: "null")
        }
        if let type = try json.string(root, "model_type"), type != "SentenceTransformer" {
            throw json.unsupported("model_type", try json.member(root, "model_type"), supported: "\"SentenceTransformer\"")
        }
    }
}
