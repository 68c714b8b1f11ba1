/// Reads a "gpt2" model configuration: the `config.json` that transformers' `save_pretrained`
/// writes for a `GPT2LMHeadModel`, as it is (docs/protocol-parts/models.md, "gpt2").
///
/// Every field is either used (the sizes and epsilon), required to have the one value the
/// verifier implements (dropout 0, `gelu_new`, ...), or ignored because it does not change the
/// training loss (token ids, generation and summary-head settings, bookkeeping); any other
/// field is refused by name. Absent fields take transformers' defaults.
public enum GPT2ConfigJSON {
    /// Fields that determine the model.
    static let used = ["n_layer", "n_embd", "n_head", "n_positions", "vocab_size", "n_inner", "layer_norm_epsilon"]
    /// Fields that must hold the implemented value (checked in `parse`).
    static let pinned = ["activation_function", "resid_pdrop", "embd_pdrop", "attn_pdrop", "scale_attn_weights",
                         "scale_attn_by_inverse_layer_idx", "reorder_and_upcast_attn", "add_cross_attention",
                         "tie_word_embeddings", "model_type"]
    /// Fields with no effect on the loss of a training step; read by nobody.
    static let ignored = ["architectures", "transformers_version", "torch_dtype", "dtype", "_name_or_path",
                          "initializer_range", "bos_token_id", "eos_token_id", "pad_token_id", "use_cache", "n_ctx",
                          "summary_type", "summary_use_proj", "summary_activation", "summary_proj_to_labels",
                          "summary_first_dropout", "task_specific_params"]
    /// Every field name a gpt2 config may have.
    public static let members = used + pinned + ignored

    /// The model of a config.json object. Errors name the field (`model.config.<name>` inside a
    /// bundle) and the limit.
    public static func parse(_ c: JSONCursor, limits: ProofBundleLimits) throws(JSONFieldError) -> GPT2.Config {
        try c.onlyMembers(Set(members))
        let channels = try c.member("n_embd").int(in: 1...limits.maxGPTChannels)
        let heads = try c.member("n_head").int(in: 1...channels)
        guard channels % heads == 0 else { throw JSONFieldError(field: fieldName(c, "n_head"), reason: "must divide n_embd (\(channels)), got \(heads)") }
        let inner = try c.optionalMember("n_inner")?.int(in: 1...(4 * limits.maxGPTChannels))
        var epsilon: Float = 1e-5
        if let e = try c.optionalMember("layer_norm_epsilon") {
            epsilon = Float(try e.double())
            guard epsilon.isFinite, epsilon > 0 else { throw e.fail("must be a positive fp32 value") }
        }
        if let f = try c.optionalMember("activation_function"), try f.string(maxBytes: 64) != "gelu_new" {
            throw f.fail("must be \"gelu_new\" (the tanh GELU), the only activation implemented")
        }
        if let f = try c.optionalMember("model_type"), try f.string(maxBytes: 64) != "gpt2" { throw f.fail("must be \"gpt2\"") }
        for name in ["resid_pdrop", "embd_pdrop", "attn_pdrop"] {
            // transformers' default is 0.1, so an absent dropout is not 0.
            guard let f = try c.optionalMember(name) else {
                throw JSONFieldError(field: fieldName(c, name), reason: "is required and must be 0 (transformers' default is 0.1; re-execution has no dropout)")
            }
            guard try f.double() == 0 else { throw f.fail("must be 0: re-execution is deterministic, without dropout") }
        }
        for (name, value) in [("scale_attn_weights", true), ("scale_attn_by_inverse_layer_idx", false),
                              ("reorder_and_upcast_attn", false), ("add_cross_attention", false), ("tie_word_embeddings", true)] {
            if let f = try c.optionalMember(name), try f.bool() != value { throw f.fail("must be \(value), the only setting implemented") }
        }
        return GPT2.Config(
            layers: try c.member("n_layer").int(in: 1...limits.maxGPTLayers), channels: channels, heads: heads,
            positions: try c.member("n_positions").int(in: 1...limits.maxGPTContext),
            vocabulary: try c.member("vocab_size").int(in: 1...limits.maxGPT2Vocabulary), inner: inner,
            layerNormEpsilon: epsilon)
    }

    /// The config.json object the verifier writes for `config`: the used fields, dropout 0 and
    /// the activation, in a fixed order.
    public static func encode(_ config: GPT2.Config) -> String {
        "{\"model_type\":\"gpt2\",\"n_layer\":\(config.layers),\"n_embd\":\(config.channels),\"n_head\":\(config.heads),"
            + "\"n_positions\":\(config.positions),\"vocab_size\":\(config.vocabulary),\"n_inner\":\(config.inner),"
            + "\"layer_norm_epsilon\":\(config.layerNormEpsilon),\"activation_function\":\"gelu_new\","
            + "\"resid_pdrop\":0,\"embd_pdrop\":0,\"attn_pdrop\":0}"
    }

    private static func fieldName(_ c: JSONCursor, _ name: String) -> String {
        c.path.isEmpty ? name : "\(c.path).\(name)"
    }
}
