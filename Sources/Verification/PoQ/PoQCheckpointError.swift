/// Why a checkpoint's tokenizer files (tokenizer.json, tokenizer_config.json) or
/// sentence-transformers files (modules.json, sentence_bert_config.json, the pooling config,
/// config_sentence_transformers.json) were refused. `file` is relative to the checkpoint
/// directory, `field` a dotted path within it.
public enum PoQCheckpointError: Error, Equatable, Sendable {
    /// The file cannot be read, or is missing where another file names it (the Pooling
    /// module's config.json).
    case unreadable(file: String)
    /// The file is larger than the `limit` in bytes (`CheckpointJSON.maxBytes`).
    case fileTooLarge(file: String, bytes: Int, limit: Int)
    /// The file is not strict JSON, or a field has the wrong type or range.
    case invalidField(file: String, field: String, reason: String)
    /// A setting the evaluator does not implement, refused rather than computed differently.
    case unsupported(file: String, field: String, value: String, supported: String)
    /// tokenizer.json's normalizer and tokenizer_config.json (or its defaults, which
    /// `transformers` applies) disagree on `setting`, so the libraries would tokenize differently.
    case conflicting(setting: String, tokenizerJSON: String, tokenizerConfig: String)
    /// A special token has id `got` in the tokenizer files but `want` in the vocabulary (nil:
    /// not in the vocabulary).
    case specialTokenId(file: String, token: String, got: Int, want: Int?)
    /// A vocabulary id has no row in the model's embedding table.
    case vocabularyExceedsModel(largestId: Int, vocabSize: Int)
    /// modules.json (a sentence-transformers embedding pipeline) beside a classifier head
    /// (cross-encoder): sentence-transformers would ignore the head, the service would use it.
    case sentenceTransformersWithClassifier
}
