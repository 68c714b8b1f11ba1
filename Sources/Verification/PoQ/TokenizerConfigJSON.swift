/// The settings of a Hugging Face tokenizer_config.json that change BERT's tokens, with the
/// defaults `transformers`' BertTokenizer applies when a key is absent (or the file is).
///
/// Read: `do_lower_case` (default true), `strip_accents` (default null: as `do_lower_case`),
/// `tokenize_chinese_chars` (default true), `model_max_length` (default none). Refused by name
/// unless they keep BERT's behaviour: `tokenizer_class` other than BertTokenizer or
/// BertTokenizerFast, `do_basic_tokenize` false, a non-empty `never_split`, `truncation_side`
/// other than "right", `unk_token`/`cls_token`/`sep_token`/`pad_token` other than "[UNK]",
/// "[CLS]", "[SEP]", "[PAD]", and an `added_tokens_decoder` entry that is not a special token
/// at its vocabulary id. Other keys (decoding, padding side, file names) are not read.
struct TokenizerConfigJSON {
    /// The file's name in a checkpoint directory.
    static let fileName = "tokenizer_config.json"

    /// `do_lower_case`, nil when absent.
    var doLowerCase: Bool?
    /// `strip_accents`, nil when absent or null.
    var stripAccents: Bool?
    /// `tokenize_chinese_chars`, nil when absent.
    var tokenizeChineseChars: Bool?
    /// `model_max_length`, nil when absent; `Int.max` for the "no limit" value 1e30.
    var modelMaxLength: Int?
    /// `added_tokens_decoder` entries: (content, id).
    var addedTokens: [(content: String, id: Int)] = []

    /// The normalizer `transformers` builds: these settings or their defaults.
    var normalizer: BertNormalizerOptions {
        let lowercase = doLowerCase ?? true
        return BertNormalizerOptions(handleChineseChars: tokenizeChineseChars ?? true, stripAccents: stripAccents ?? lowercase,
                                     lowercase: lowercase)
    }

    /// No file: every default.
    init() {}

    /// Reads and checks a parsed tokenizer_config.json.
    init(_ json: CheckpointJSON) throws {
        let root = json.root
        guard root.isObject else {
            throw PoQCheckpointError.invalidField(file: json.file, field: "", reason: "must be an object")
        }
        doLowerCase = try json.bool(root, "do_lower_case")
        stripAccents = try json.bool(root, "strip_accents")
        tokenizeChineseChars = try json.bool(root, "tokenize_chinese_chars")
        modelMaxLength = try json.member(root, "model_max_length").map { try json.count($0) }
        if let name = try json.member(root, "tokenizer_class"), !["BertTokenizer", "BertTokenizerFast"].contains(name.node.string ?? "") {
            throw json.unsupported("tokenizer_class", name, supported: "\"BertTokenizer\" or \"BertTokenizerFast\"")
        }
        if try json.bool(root, "do_basic_tokenize") == false {
            throw json.unsupported("do_basic_tokenize", try json.member(root, "do_basic_tokenize"), supported: "true")
        }
        if let neverSplit = try json.member(root, "never_split"), (try? neverSplit.count()) != 0 {
            throw json.unsupported("never_split", neverSplit, supported: "null or []")
        }
        if let side = try json.member(root, "truncation_side"), side.node.string != "right" {
            throw json.unsupported("truncation_side", side, supported: "\"right\"")
        }
        for (key, token) in [("unk_token", "[UNK]"), ("cls_token", "[CLS]"), ("sep_token", "[SEP]"), ("pad_token", "[PAD]")] {
            guard let value = try json.member(root, key) else { continue }
            // A plain string, or an AddedToken object whose content is the token.
            let content = value.isObject ? try json.string(value, "content") : value.node.string
            guard content == token else { throw json.unsupported(key, value, supported: "\"\(token)\"") }
        }
        if let decoder = try json.member(root, "added_tokens_decoder") {
            guard decoder.isObject else {
                throw PoQCheckpointError.invalidField(file: json.file, field: "added_tokens_decoder", reason: "must be an object")
            }
            for (key, entry) in decoder.node.members {
                let path = "added_tokens_decoder." + key
                let cursor = try json.member(decoder, key)
                guard let id = Int(key), id >= 0, entry.kind == .object, let cursor,
                      let content = try json.string(cursor, "content") else {
                    throw PoQCheckpointError.invalidField(file: json.file, field: path, reason: "must map an id to a token with content")
                }
                guard try json.bool(cursor, "special") == true else {
                    throw json.unsupported(path + ".special", try json.member(cursor, "special"), supported: "true")
                }
                addedTokens.append((content, id))
            }
        }
    }
}
