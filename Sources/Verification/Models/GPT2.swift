/// The "gpt2" architecture: Hugging Face transformers' `GPT2LMHeadModel`, with its tensor names,
/// shapes and equations, so that a `save_pretrained` checkpoint is theta_0 as it is.
///
/// Shape letters: L layers, C channels (`n_embd`), NH heads, P positions (`n_positions`),
/// V vocabulary, I MLP inner width (`n_inner`, default 4C). Tensors, in byte-wise name order:
/// "transformer.wte.weight" (V,C), "transformer.wpe.weight" (P,C), per layer i under
/// "transformer.h.{i}.": "ln_1.weight"/"bias" (C), "attn.c_attn.weight" (C,3C)/"bias" (3C),
/// "attn.c_proj.weight" (C,C)/"bias" (C), "ln_2.weight"/"bias" (C), "mlp.c_fc.weight" (C,I)/"bias" (I),
/// "mlp.c_proj.weight" (I,C)/"bias" (C); then "transformer.ln_f.weight"/"bias" (C).
/// Linear layers are Conv1D (y = x · W + b, W stored (in, out)); the LM head is tied to wte and
/// not stored; GELU is the tanh form (`gelu_new`); attention is causal, scaled by 1/sqrt(C/NH);
/// no dropout; loss = mean next-token cross-entropy over B·T. The attention buffers
/// "transformer.h.{i}.attn.bias" and "attn.masked_bias" that older transformers versions save
/// are not parameters (`ParameterLayout.ignored`).
public struct GPT2: DecoderModel {
    /// Architecture hyperparameters, named after their config.json fields.
    public struct Config: Sendable, Hashable {
        /// `n_layer`.
        public var layers: Int
        /// `n_embd`.
        public var channels: Int
        /// `n_head`.
        public var heads: Int
        /// `n_positions`: rows of wpe, and the sequence length T of every example.
        public var positions: Int
        /// `vocab_size`.
        public var vocabulary: Int
        /// `n_inner`: the MLP's hidden width (config.json `null` means 4 · n_embd).
        public var inner: Int
        /// `layer_norm_epsilon`, as the fp32 value added to the variance.
        public var layerNormEpsilon: Float

        public init(layers: Int, channels: Int, heads: Int, positions: Int, vocabulary: Int, inner: Int? = nil,
                    layerNormEpsilon: Float = 1e-5) {
            self.layers = layers
            self.channels = channels
            self.heads = heads
            self.positions = positions
            self.vocabulary = vocabulary
            self.inner = inner ?? 4 * channels
            self.layerNormEpsilon = layerNormEpsilon
        }

        /// Number of fp32 parameters: V·C + P·C + 2C + L·(4C + 3C² + 3C + C² + C + 2·C·I + I + C).
        public var parameterCount: Int {
            let (C, I) = (channels, inner)
            let perLayer = 4 * C + (3 * C * C + 3 * C) + (C * C + C) + (C * I + I) + (I * C + C)
            return vocabulary * C + positions * C + 2 * C + layers * perLayer
        }
    }

    public let config: Config
    public let layout: ParameterLayout
    let spec: DecoderSpec

    /// Validates the config: layers >= 1; channels, heads, positions, vocabulary, inner >= 1;
    /// channels divisible by heads; epsilon positive and finite.
    public init(_ config: Config) throws {
        guard config.layers >= 1, config.channels >= 1, config.heads >= 1, config.positions >= 1, config.vocabulary >= 1,
              config.inner >= 1, config.channels % config.heads == 0,
              config.layerNormEpsilon.isFinite, config.layerNormEpsilon > 0 else {
            throw ModelError.invalidConfig("gpt2 \(config) needs positive sizes, channels divisible by heads and a positive epsilon")
        }
        self.config = config
        let (C, I) = (config.channels, config.inner)
        var tensors: [(name: String, shape: [Int])] = [
            ("transformer.wte.weight", [config.vocabulary, C]), ("transformer.wpe.weight", [config.positions, C]),
            ("transformer.ln_f.weight", [C]), ("transformer.ln_f.bias", [C]),
        ]
        var ignored: Set<String> = []
        for i in 0..<config.layers {
            let shapes: [(String, [Int])] = [
                ("ln_1.weight", [C]), ("ln_1.bias", [C]), ("attn.c_attn.weight", [C, 3 * C]), ("attn.c_attn.bias", [3 * C]),
                ("attn.c_proj.weight", [C, C]), ("attn.c_proj.bias", [C]), ("ln_2.weight", [C]), ("ln_2.bias", [C]),
                ("mlp.c_fc.weight", [C, I]), ("mlp.c_fc.bias", [I]), ("mlp.c_proj.weight", [I, C]), ("mlp.c_proj.bias", [C]),
            ]
            for (suffix, shape) in shapes { tensors.append((name: "transformer.h.\(i).\(suffix)", shape: shape)) }
            ignored.insert("transformer.h.\(i).attn.bias")
            ignored.insert("transformer.h.\(i).attn.masked_bias")
        }
        let layout = ParameterLayout(tensors, ignored: ignored)
        self.layout = layout
        let blocks = (0..<config.layers).map { i in
            let at = { (suffix: String) in layout.offset("transformer.h.\(i).\(suffix)") }
            return DecoderSpec.BlockOffsets(
                ln1w: at("ln_1.weight"), ln1b: at("ln_1.bias"), qkvw: at("attn.c_attn.weight"), qkvb: at("attn.c_attn.bias"),
                projw: at("attn.c_proj.weight"), projb: at("attn.c_proj.bias"), ln2w: at("ln_2.weight"), ln2b: at("ln_2.bias"),
                fcw: at("mlp.c_fc.weight"), fcb: at("mlp.c_fc.bias"), fcprojw: at("mlp.c_proj.weight"), fcprojb: at("mlp.c_proj.bias"))
        }
        spec = DecoderSpec(C: C, NH: config.heads, I: I, V: config.vocabulary, eps: config.layerNormEpsilon, conv1D: true,
                           tanhGELU: true, wte: layout.offset("transformer.wte.weight"), wpe: layout.offset("transformer.wpe.weight"),
                           lnfw: layout.offset("transformer.ln_f.weight"), lnfb: layout.offset("transformer.ln_f.bias"), blocks: blocks)
    }

    /// Longest window and token bound a batch must keep (`DecoderModel`).
    var maxT: Int { config.positions }
    var vocabulary: Int { config.vocabulary }

    /// transformers' `_init_weights` for GPT-2 with initializer_range 0.02: every weight matrix
    /// and both embeddings N(0, 0.02), the residual projections ("attn.c_proj.weight",
    /// "mlp.c_proj.weight") N(0, 0.02 / sqrt(2L)), layer-norm weights 1, biases 0; normals drawn
    /// in canonical tensor order from one `SplitMix64(seed:)` stream (the "gpt" scheme).
    public func initialParameters(seed: UInt64) -> [Float] {
        Initializer.gpt2Scheme(layout, layers: config.layers, seed: seed, isResidual: { $0.hasSuffix("c_proj.weight") },
                               isWeight: { $0.hasSuffix(".weight") })
    }
}

extension TextBatch {
    /// The number of rows B after checking the batch's shape: 1 <= T <= maxT, at least one
    /// row, inputs and targets of B·T tokens, every token in 0..<vocabulary.
    func validatedRows(maxT: Int, vocabulary: Int) throws -> Int {
        guard T >= 1, T <= maxT else { throw ModelError.batchShapeMismatch(field: "T", got: T, want: maxT) }
        guard !inputs.isEmpty else { throw ModelError.emptyBatch }
        guard inputs.count % T == 0 else {
            throw ModelError.batchShapeMismatch(field: "inputs", got: inputs.count, want: inputs.count / T * T)
        }
        guard targets.count == inputs.count else {
            throw ModelError.batchShapeMismatch(field: "targets", got: targets.count, want: inputs.count)
        }
        for tokens in [inputs, targets] {
            if let bad = tokens.firstIndex(where: { $0 < 0 || Int($0) >= vocabulary }) {
                throw ModelError.labelOutOfRange(index: bad, label: tokens[bad], classes: vocabulary)
            }
        }
        return inputs.count / T
    }
}
