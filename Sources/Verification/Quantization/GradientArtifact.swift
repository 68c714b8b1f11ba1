/// Why a gradient artifact file was refused (beyond the checks of `QuantizationError`).
public enum GradientArtifactError: Error, Equatable, Sendable {
    /// `__metadata__.format` is missing or is not "pogo/1/grad4".
    case wrongFormat(got: String?)
    /// `__metadata__.parameters` is missing or not a canonical decimal integer >= 1.
    case invalidParameterCount(got: String?)
    /// The file must hold exactly the tensors `codes` and `scales`.
    case unexpectedTensors(names: [String])
    /// A tensor has the wrong element type.
    case wrongDType(name: String, got: String, want: String)
    /// A tensor has the wrong shape for the declared parameter count.
    case wrongShape(name: String, got: [Int], want: [Int])
}

/// The gradient artifact file: a quantized gradient stored as safetensors.
///
/// Tensors: `scales` F32 [ceil(P / 64)] and `codes` U8 [ceil(P / 2)], both over the whole
/// flattened vector; metadata {"format": "pogo/1/grad4", "parameters": "P"}.
public enum GradientArtifact {
    /// The `__metadata__.format` value.
    public static let format = "pogo/1/grad4"

    /// The artifact's bytes.
    public static func encode(_ gradient: QuantizedGradient) -> [UInt8] {
        SafeTensorsWriter.encode(tensors(gradient), metadata: metadata(gradient))
    }

    /// Writes the artifact to `path`, replacing any existing file.
    public static func write(_ gradient: QuantizedGradient, to path: String) throws {
        try SafeTensorsWriter.write(tensors(gradient), metadata: metadata(gradient), to: path)
    }

    /// Reads and validates the artifact at `path`.
    public static func read(path: String) throws -> QuantizedGradient {
        try decode(SafeTensorsFile(path: path))
    }

    /// Validates an opened artifact: format, parameter count, exactly the two tensors with
    /// their dtypes and shapes, then every check of `QuantizedGradient.init(parameterCount:scales:packedCodes:)`.
    public static func decode(_ file: SafeTensorsFile) throws -> QuantizedGradient {
        let declaredFormat = file.metadata["format"]
        guard declaredFormat == format else { throw GradientArtifactError.wrongFormat(got: declaredFormat) }
        let declared = file.metadata["parameters"]
        guard let text = declared, let parameters = parseCount(text) else {
            throw GradientArtifactError.invalidParameterCount(got: declared)
        }
        let names = file.entries.map(\.name)
        guard names == ["codes", "scales"] else { throw GradientArtifactError.unexpectedTensors(names: names) }
        try check(file, "scales", dtype: .f32, shape: [QuantizedGradient.blockCount(parameters: parameters)])
        try check(file, "codes", dtype: .u8, shape: [QuantizedGradient.packedByteCount(parameters: parameters)])
        return try QuantizedGradient(
            parameterCount: parameters, scales: try file.floats("scales"), packedCodes: try file.uint8s("codes"))
    }

    private static func tensors(_ g: QuantizedGradient) -> [SafeTensorsWriter.Tensor] {
        [
            SafeTensorsWriter.Tensor(name: "scales", shape: [g.scales.count], floats: g.scales),
            SafeTensorsWriter.Tensor(name: "codes", dtype: .u8, shape: [g.packedCodes.count], bytes: g.packedCodes),
        ]
    }

    private static func metadata(_ g: QuantizedGradient) -> [String: String] {
        ["format": format, "parameters": String(g.parameterCount)]
    }

    private static func check(_ file: SafeTensorsFile, _ name: String, dtype: SafeTensorsDType, shape: [Int]) throws {
        guard let e = file.entry(name) else { throw SafeTensorsError.missingTensor(name) }
        guard e.dtype == dtype else {
            throw GradientArtifactError.wrongDType(name: name, got: e.dtype.rawValue, want: dtype.rawValue)
        }
        guard e.shape == shape else { throw GradientArtifactError.wrongShape(name: name, got: e.shape, want: shape) }
    }

    /// A canonical decimal integer >= 1: ASCII digits only, no sign, no leading zero.
    private static func parseCount(_ text: String) -> Int? {
        let utf8 = Array(text.utf8)
        guard let first = utf8.first, first != UInt8(ascii: "0"),
              utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return Int(text)
    }
}
