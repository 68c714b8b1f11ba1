/// A batch of byte sequences for the GPT: B rows of T input bytes and their next bytes.
public struct TextBatch: Sendable, Hashable {
    /// (B, T) input tokens (bytes, so each in 0..<256).
    public var inputs: [Int32]
    /// (B, T) target tokens: the byte following each input byte.
    public var targets: [Int32]
    /// Tokens per row.
    public var T: Int

    public init(inputs: [Int32], targets: [Int32], T: Int) {
        self.inputs = inputs
        self.targets = targets
        self.T = T
    }

    /// The windows of T + 1 consecutive tokens of `tokens` starting at each of `indices`, in that
    /// order: inputs tokens [i, i+T), targets [i+1, i+T+1). Requires 1 <= T < tokens.count;
    /// an index outside 0 ..< tokens.count - T throws `DatasetError.indexOutOfRange`.
    init<Tokens: RandomAccessCollection>(windows tokens: Tokens, starting indices: [Int], T: Int) throws
    where Tokens.Element: BinaryInteger, Tokens.Index == Int {
        let n = tokens.count - T
        var inputs: [Int32] = [], targets: [Int32] = []
        inputs.reserveCapacity(indices.count * T)
        targets.reserveCapacity(indices.count * T)
        for i in indices {
            guard i >= 0 && i < n else { throw DatasetError.indexOutOfRange(index: i, count: n) }
            let start = tokens.startIndex + i
            for j in start..<start + T {
                inputs.append(Int32(tokens[j]))
                targets.append(Int32(tokens[j + 1]))
            }
        }
        self.init(inputs: inputs, targets: targets, T: T)
    }
}

/// The "gpt" architecture: a byte-level (V = 256) decoder-only transformer in the GPT-2 layout.
///
/// Shape letters: L layers, C channels, NH heads, T context, V = 256 vocabulary.
/// Tensors: "wte" (V,C), "wpe" (T,C), per layer i "h.{i}.ln_1.weight"/"bias" (C),
/// "h.{i}.attn.qkv.weight" (3C,C)/"bias" (3C), "h.{i}.attn.proj.weight" (C,C)/"bias" (C),
/// "h.{i}.ln_2.weight"/"bias" (C), "h.{i}.mlp.fc.weight" (4C,C)/"bias" (4C),
/// "h.{i}.mlp.proj.weight" (C,4C)/"bias" (C), and "ln_f.weight"/"bias" (C), in byte-wise name order.
/// x = wte[tok] + wpe[t]; per block x += proj(attn(ln_1(x))); x += proj(gelu(fc(ln_2(x))));
/// logits = ln_f(x) · wteᵀ (tied head, no bias); loss = mean next-byte cross-entropy over B·T.
public struct GPT: DecoderModel {
    /// The byte vocabulary size.
    public static let vocabulary = 256
    /// Layer-norm epsilon.
    public static let layerNormEpsilon: Float = 1e-5

    /// Architecture hyperparameters.
    public struct Config: Sendable, Hashable {
        public var layers: Int
        public var channels: Int
        public var heads: Int
        /// Maximum sequence length (rows of "wpe").
        public var context: Int

        public init(layers: Int, channels: Int, heads: Int, context: Int) {
            self.layers = layers
            self.channels = channels
            self.heads = heads
            self.context = context
        }
    }

    public let config: Config
    public let layout: ParameterLayout
    let spec: DecoderSpec

    /// Validates the config: layers >= 0, channels, heads and context >= 1, channels divisible by heads.
    public init(_ config: Config) throws {
        guard config.layers >= 0, config.channels >= 1, config.heads >= 1, config.context >= 1,
              config.channels % config.heads == 0 else {
            throw ModelError.invalidConfig("gpt \(config) needs positive sizes and channels divisible by heads")
        }
        self.config = config
        let (C, V) = (config.channels, GPT.vocabulary)
        var tensors: [(name: String, shape: [Int])] = [
            ("wte", [V, C]), ("wpe", [config.context, C]), ("ln_f.weight", [C]), ("ln_f.bias", [C]),
        ]
        for i in 0..<config.layers {
            let shapes: [(String, [Int])] = [
                ("ln_1.weight", [C]), ("ln_1.bias", [C]), ("attn.qkv.weight", [3 * C, C]), ("attn.qkv.bias", [3 * C]),
                ("attn.proj.weight", [C, C]), ("attn.proj.bias", [C]), ("ln_2.weight", [C]), ("ln_2.bias", [C]),
                ("mlp.fc.weight", [4 * C, C]), ("mlp.fc.bias", [4 * C]), ("mlp.proj.weight", [C, 4 * C]), ("mlp.proj.bias", [C]),
            ]
            for (suffix, shape) in shapes { tensors.append((name: "h.\(i).\(suffix)", shape: shape)) }
        }
        layout = ParameterLayout(tensors)
        let layout = layout
        let blocks = (0..<config.layers).map { i in
            let at = { (suffix: String) in layout.offset("h.\(i).\(suffix)") }
            return DecoderSpec.BlockOffsets(
                ln1w: at("ln_1.weight"), ln1b: at("ln_1.bias"), qkvw: at("attn.qkv.weight"), qkvb: at("attn.qkv.bias"),
                projw: at("attn.proj.weight"), projb: at("attn.proj.bias"), ln2w: at("ln_2.weight"), ln2b: at("ln_2.bias"),
                fcw: at("mlp.fc.weight"), fcb: at("mlp.fc.bias"), fcprojw: at("mlp.proj.weight"), fcprojb: at("mlp.proj.bias"))
        }
        spec = DecoderSpec(C: C, NH: config.heads, I: 4 * C, V: V, eps: GPT.layerNormEpsilon, conv1D: false, tanhGELU: false,
                           wte: layout.offset("wte"), wpe: layout.offset("wpe"), lnfw: layout.offset("ln_f.weight"),
                           lnfb: layout.offset("ln_f.bias"), blocks: blocks)
    }

    /// GPT-2's scheme: every weight matrix and both embeddings N(0, 0.02), the two residual
    /// projections ("attn.proj.weight", "mlp.proj.weight") N(0, 0.02 / sqrt(2L)), layer-norm
    /// weights 1, biases 0; normals drawn in canonical tensor order from one `SplitMix64(seed:)` stream.
    public func initialParameters(seed: UInt64) -> [Float] {
        Initializer.gpt2Scheme(layout, layers: config.layers, seed: seed, isResidual: { $0.hasSuffix("proj.weight") },
                               isWeight: { $0.hasSuffix(".weight") || $0 == "wte" || $0 == "wpe" })
    }

    /// Longest window and token bound a batch must keep (`DecoderModel`).
    var maxT: Int { config.context }
    var vocabulary: Int { GPT.vocabulary }
}
