/// The model input for one sequence or one pair: token ids, token type ids and attention mask.
///
/// For a single text: `[CLS] a [SEP]`, all type ids 0. For a pair:
/// `[CLS] a [SEP] b [SEP]`, type id 0 up to and including the first `[SEP]`, 1 after it.
/// The attention mask is all ones; padding is added only when sequences are batched.
public struct BertEncoding: Sendable, Hashable {
    public var ids: [Int32]
    public var typeIds: [Int32]
    public var attentionMask: [Int32]

    public init(ids: [Int32], typeIds: [Int32], attentionMask: [Int32]) {
        self.ids = ids
        self.typeIds = typeIds
        self.attentionMask = attentionMask
    }

    /// Number of tokens.
    public var count: Int { ids.count }
}
