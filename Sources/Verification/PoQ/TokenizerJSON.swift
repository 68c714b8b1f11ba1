/// The parts of a Hugging Face `tokenizers` file (tokenizer.json) the evaluator runs: a
/// WordPiece model, a BertNormalizer, a BertPreTokenizer and BERT's special-token
/// post-processor. Any other pipeline is refused by name.
///
/// Accepted, field by field:
/// - `model`: `type` "WordPiece", `unk_token` "[UNK]", `continuing_subword_prefix` "##",
///   `max_input_chars_per_word` (default 100), `vocab` (token to id).
/// - `normalizer`: `type` "BertNormalizer", `clean_text` true, `handle_chinese_chars`,
///   `strip_accents` (true, false or null: as `lowercase`), `lowercase`.
/// - `pre_tokenizer`: `type` "BertPreTokenizer".
/// - `post_processor`: `TemplateProcessing` with single "[CLS]:0 $A:0 [SEP]:0", pair
///   "[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1" and special tokens [CLS] and [SEP] at their vocabulary
///   ids, or `BertProcessing` with the same two tokens.
/// - `added_tokens`: special tokens that are vocabulary tokens at their vocabulary ids (text
///   that spells one is ordinary text here; docs/poq.md says why).
/// - `version`, `truncation`, `padding`, `decoder`: not read. `transformers` replaces
///   truncation and padding on every call, and decoding plays no part in a score.
struct TokenizerJSON {
    /// The file's name in a checkpoint directory.
    static let fileName = "tokenizer.json"

    let vocabulary: WordPieceVocabulary
    /// The normalizer's `lowercase`.
    let lowercase: Bool
    /// The normalizer's `strip_accents`; nil (null) means "as `lowercase`".
    let stripAccents: Bool?
    /// The normalizer's `handle_chinese_chars`.
    let handleChineseChars: Bool
    /// The model's `max_input_chars_per_word`.
    let maxInputCharsPerWord: Int

    /// The normalizer's steps, `strip_accents` resolved.
    var normalizer: BertNormalizerOptions {
        BertNormalizerOptions(handleChineseChars: handleChineseChars, stripAccents: stripAccents ?? lowercase, lowercase: lowercase)
    }

    /// Reads and checks a parsed tokenizer.json.
    init(_ json: CheckpointJSON) throws {
        let root = json.root
        try json.refuseUnknownMembers(root, known: ["version", "truncation", "padding", "added_tokens", "normalizer",
                                                    "pre_tokenizer", "post_processor", "decoder", "model"])
        let model = try Self.component(json, "model", type: "WordPiece")
        try json.refuseUnknownMembers(model, known: ["type", "unk_token", "continuing_subword_prefix", "max_input_chars_per_word", "vocab"])
        for (key, want) in [("unk_token", "[UNK]"), ("continuing_subword_prefix", "##")] where try json.string(model, key) != want {
            throw json.unsupported("model." + key, try json.member(model, key), supported: "\"\(want)\"")
        }
        maxInputCharsPerWord = try json.member(model, "max_input_chars_per_word").map { try json.count($0) } ?? 100
        guard let vocab = try json.member(model, "vocab"), vocab.isObject else {
            throw PoQCheckpointError.invalidField(file: json.file, field: "model.vocab", reason: "must be an object of token ids")
        }
        var pairs: [(token: String, id: Int)] = []
        for (token, id) in vocab.node.members {
            guard let literal = id.numberLiteral, let value = Int(literal) else {
                throw PoQCheckpointError.invalidField(file: json.file, field: "model.vocab.\(token)", reason: "must be an integer id")
            }
            pairs.append((token, value))
        }
        vocabulary = try WordPieceVocabulary(tokenIds: pairs)

        let normalizer = try Self.component(json, "normalizer", type: "BertNormalizer")
        try json.refuseUnknownMembers(normalizer, known: ["type", "clean_text", "handle_chinese_chars", "strip_accents", "lowercase"])
        // transformers 5 rebuilds BERT's normalizer with clean_text on whatever the file says.
        guard try json.bool(normalizer, "clean_text") == true else {
            throw json.unsupported("normalizer.clean_text", try json.member(normalizer, "clean_text"), supported: "true")
        }
        func flag(_ key: String) throws -> Bool {
            guard let value = try json.bool(normalizer, key) else {
                throw PoQCheckpointError.invalidField(file: json.file, field: "normalizer." + key, reason: "must be true or false")
            }
            return value
        }
        lowercase = try flag("lowercase")
        handleChineseChars = try flag("handle_chinese_chars")
        stripAccents = try json.bool(normalizer, "strip_accents")

        let preTokenizer = try Self.component(json, "pre_tokenizer", type: "BertPreTokenizer")
        try json.refuseUnknownMembers(preTokenizer, known: ["type"])
        try Self.checkPostProcessor(json, vocabulary: vocabulary)
        try Self.checkAddedTokens(json, vocabulary: vocabulary)
    }

    /// The object member `key` of the root, which must have `"type": type`.
    private static func component(_ json: CheckpointJSON, _ key: String, type: String) throws -> JSONCursor {
        guard let object = try json.member(json.root, key) else { throw json.unsupported(key, nil, supported: type) }
        guard object.isObject, try json.string(object, "type") == type else {
            throw json.unsupported(key + ".type", object.isObject ? try json.member(object, "type") : object, supported: "\"\(type)\"")
        }
        return object
    }

    /// BERT's post-processor, as a template or as BertProcessing, with [CLS] and [SEP] at their
    /// vocabulary ids.
    private static func checkPostProcessor(_ json: CheckpointJSON, vocabulary: WordPieceVocabulary) throws {
        let supported = "TemplateProcessing single \"\(singleTemplate)\" pair \"\(pairTemplate)\", or BertProcessing"
        guard let processor = try json.member(json.root, "post_processor"), processor.isObject else {
            throw json.unsupported("post_processor", try json.member(json.root, "post_processor"), supported: supported)
        }
        switch try json.string(processor, "type") {
        case "BertProcessing":
            try json.refuseUnknownMembers(processor, known: ["type", "sep", "cls"])
            for (key, token) in [("cls", "[CLS]"), ("sep", "[SEP]")] {
                let pair = try json.read { () throws(JSONFieldError) in try processor.member(key).array(maxCount: 2) }
                guard pair.count == 2, pair[0].node.string == token, let literal = pair[1].node.numberLiteral, let id = Int(literal) else {
                    throw json.unsupported("post_processor." + key, try json.member(processor, key), supported: "[\"\(token)\", id]")
                }
                try checkSpecialToken(json, token, id: id, vocabulary: vocabulary)
            }
        case "TemplateProcessing":
            try json.refuseUnknownMembers(processor, known: ["type", "single", "pair", "special_tokens"])
            for (key, want) in [("single", singleTemplate), ("pair", pairTemplate)] {
                let template = try json.member(processor, key)
                guard let template, try Self.template(json, template) == want else {
                    throw json.unsupported("post_processor." + key, template, supported: "\"\(want)\"")
                }
            }
            guard let specials = try json.member(processor, "special_tokens") else {
                throw json.unsupported("post_processor.special_tokens", nil, supported: "[CLS] and [SEP]")
            }
            try json.refuseUnknownMembers(specials, known: ["[CLS]", "[SEP]"])
            for token in ["[CLS]", "[SEP]"] {
                let entry = try json.member(specials, token)
                let ids = try entry.flatMap { try json.member($0, "ids") }.map { list in
                    try json.read { () throws(JSONFieldError) in
                        var ids: [Int] = []
                        for id in try list.array(maxCount: 2) { ids.append(try id.int(in: 0...Int(Int32.max))) }
                        return ids
                    }
                }
                guard let entry, try json.string(entry, "id") == token, let ids, ids.count == 1 else {
                    throw json.unsupported("post_processor.special_tokens." + token, entry, supported: "one id, the vocabulary's \(token)")
                }
                try checkSpecialToken(json, token, id: ids[0], vocabulary: vocabulary)
            }
        default:
            throw json.unsupported("post_processor.type", try json.member(processor, "type"), supported: "\"TemplateProcessing\" or \"BertProcessing\"")
        }
    }

    static let singleTemplate = "[CLS]:0 $A:0 [SEP]:0"
    static let pairTemplate = "[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1"

    /// A TemplateProcessing template in the library's own string syntax ("[CLS]:0 $A:0 ..."),
    /// or nil when a piece is neither a SpecialToken nor a Sequence.
    private static func template(_ json: CheckpointJSON, _ pieces: JSONCursor) throws -> String? {
        var out: [String] = []
        for piece in try json.read({ () throws(JSONFieldError) in try pieces.array(maxCount: 16) }) {
            if let special = try json.member(piece, "SpecialToken"), let id = try json.string(special, "id"),
               let type = try json.member(special, "type_id") {
                out.append("\(id):\(try json.count(type))")
            } else if let sequence = try json.member(piece, "Sequence"), let id = try json.string(sequence, "id"),
                      let type = try json.member(sequence, "type_id") {
                out.append("$\(id):\(try json.count(type))")
            } else {
                return nil
            }
        }
        return out.joined(separator: " ")
    }

    /// Every added token must be special and a vocabulary token at its vocabulary id.
    private static func checkAddedTokens(_ json: CheckpointJSON, vocabulary: WordPieceVocabulary) throws {
        guard let list = try json.member(json.root, "added_tokens") else { return }
        let tokens = try json.read { () throws(JSONFieldError) in try list.array(maxCount: WordPieceVocabulary.maxTokens) }
        for token in tokens {
            guard try json.bool(token, "special") == true else {
                throw json.unsupported(token.path + ".special", try json.member(token, "special"), supported: "true")
            }
            guard let content = try json.string(token, "content"), let id = try json.member(token, "id") else {
                throw PoQCheckpointError.invalidField(file: json.file, field: token.path, reason: "needs content and id")
            }
            try checkSpecialToken(json, content, id: try json.count(id), vocabulary: vocabulary)
        }
    }

    /// `token` must be in the vocabulary at `id`.
    private static func checkSpecialToken(_ json: CheckpointJSON, _ token: String, id: Int, vocabulary: WordPieceVocabulary) throws {
        let want = vocabulary.id(token).map(Int.init)
        guard want == id else { throw PoQCheckpointError.specialTokenId(file: json.file, token: token, got: id, want: want) }
    }
}
