internal import Foundation

/// What a checkpoint directory says about tokenizing, besides the weights: the vocabulary and
/// the normalizer. docs/poq.md lists the files and what is followed or refused.
///
/// The tokenizer comes from tokenizer.json when the directory has one, else from vocab.txt;
/// its normalizer from tokenizer_config.json (or `transformers`' defaults), which must agree
/// with tokenizer.json's.
struct PoQCheckpointSettings {
    let tokenizer: BertTokenizer

    /// Reads the settings in `directory` for a model of `config`, truncating at `maxLength`.
    init(directory: String, config: BertConfig, maxLength: Int) throws {
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
