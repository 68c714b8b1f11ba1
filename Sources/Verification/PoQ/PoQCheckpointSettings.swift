internal import Foundation

/// What a checkpoint directory says about scoring besides the weights: the tokenizer (its
/// vocabulary, normalizer and maximum length) and, in similarity mode, the sentence-transformers
/// pooling and normalization. docs/poq.md lists the files and what is followed or refused.
///
/// The tokenizer comes from tokenizer.json when the directory has one, else from vocab.txt;
/// its normalizer from tokenizer_config.json (or `transformers`' defaults), which must agree
/// with tokenizer.json's. The maximum length, special tokens included, is the caller's
/// override if given; else sentence-transformers' `max_seq_length` in similarity mode when set;
/// else min(`max_position_embeddings`, tokenizer_config.json's `model_max_length`), which is
/// what both sentence-transformers and its CrossEncoder fall back to.
struct PoQCheckpointSettings {
    let tokenizer: BertTokenizer
    /// The embedding pipeline in similarity mode; nil in cross-encoder mode.
    let embedding: SentenceTransformersConfig?

    /// Reads the settings in `directory` for a model of `config` run in `mode`, with the
    /// maximum length `maxSequenceTokens` when it is given.
    init(directory: String, config: BertConfig, mode: PoQMode, maxSequenceTokens: Int?) throws {
        let tokenizerConfig = try CheckpointJSON.read(directory: directory, file: TokenizerConfigJSON.fileName)
            .map(TokenizerConfigJSON.init) ?? TokenizerConfigJSON()
        let normalizer = tokenizerConfig.normalizer
        let vocabulary: WordPieceVocabulary
        let maxInputCharsPerWord: Int
        if let json = try CheckpointJSON.read(directory: directory, file: TokenizerJSON.fileName) {
            let file = try TokenizerJSON(json)
            try Self.requireAgreement(file, tokenizerConfig)
            vocabulary = file.vocabulary
            maxInputCharsPerWord = file.maxInputCharsPerWord
        } else {
            vocabulary = try WordPieceVocabulary(path: directory + "/vocab.txt")
            maxInputCharsPerWord = 100
        }
        for (content, id) in tokenizerConfig.addedTokens {
            let want = vocabulary.id(content).map(Int.init)
            guard want == id else {
                throw PoQCheckpointError.specialTokenId(file: TokenizerConfigJSON.fileName, token: content, got: id, want: want)
            }
        }
        guard Int(vocabulary.largestId) < config.vocabSize else {
            throw PoQCheckpointError.vocabularyExceedsModel(largestId: Int(vocabulary.largestId), vocabSize: config.vocabSize)
        }
        switch mode {
        case .similarity:
            embedding = try SentenceTransformersConfig(directory: directory, hiddenSize: config.hiddenSize) ?? .withoutModules
        case .crossEncoder:
            guard !FileManager.default.fileExists(atPath: directory + "/modules.json") else {
                throw PoQCheckpointError.sentenceTransformersWithClassifier
            }
            embedding = nil
        }
        let positions = config.maxPositionEmbeddings
        let maxLength = maxSequenceTokens ?? embedding?.maxSeqLength ?? min(positions, tokenizerConfig.modelMaxLength ?? .max)
        guard maxLength <= positions else { throw PoQError.sequenceLimitExceedsModel(limit: maxLength, positions: positions) }
        tokenizer = try BertTokenizer(vocabulary: vocabulary, maxLength: maxLength, maxInputCharsPerWord: maxInputCharsPerWord,
                                      normalizer: normalizer)
    }

    /// tokenizer.json's normalizer must do what `transformers` builds from tokenizer_config.json
    /// (its values, or the defaults for absent keys): `tokenizers` alone follows the first,
    /// `transformers` the second, and a score must not depend on which library ran.
    private static func requireAgreement(_ file: TokenizerJSON, _ config: TokenizerConfigJSON) throws {
        let ours = file.normalizer, theirs = config.normalizer
        func shown(_ value: Bool, _ present: Bool) -> String { present ? "\(value)" : "\(value) (default)" }
        if ours.lowercase != theirs.lowercase {
            throw PoQCheckpointError.conflicting(setting: "lowercase", tokenizerJSON: "\(ours.lowercase)",
                                                 tokenizerConfig: shown(theirs.lowercase, config.doLowerCase != nil))
        }
        if ours.stripAccents != theirs.stripAccents {
            throw PoQCheckpointError.conflicting(setting: "strip_accents", tokenizerJSON: "\(ours.stripAccents)",
                                                 tokenizerConfig: shown(theirs.stripAccents, config.stripAccents != nil))
        }
        if ours.handleChineseChars != theirs.handleChineseChars {
            throw PoQCheckpointError.conflicting(setting: "handle_chinese_chars", tokenizerJSON: "\(ours.handleChineseChars)",
                                                 tokenizerConfig: shown(theirs.handleChineseChars, config.tokenizeChineseChars != nil))
        }
    }
}
