/// What a report or a job error says about an artifact the verifier could not accept: the
/// kind of problem and the verifier's own expectations (limits, the model's tensor names and
/// shapes), never a value read from the artifact. Artifacts come from a submitter's URL or
/// file and their bytes must not come back out through a report (before, an 8-byte header
/// length was echoed as a number: `/etc/shadow` gave back `root:*:2`).
enum ArtifactErrorText {
    /// The text for an error met while reading an artifact.
    static func of(_ error: any Error) -> String {
        switch error {
        case let error as SafeTensorsError: of(error)
        case let error as ModelError: of(error)
        case let error as GradientArtifactError: of(error)
        case let error as QuantizationError: of(error)
        default: "it is malformed"
        }
    }

    private static func of(_ error: QuantizationError) -> String {
        switch error {
        case let .invalidScale(block, _): "the scale of block \(block) is NaN, infinite or negative"
        case let .invalidCode(parameter, _): "the code of parameter \(parameter) is -8, outside -7...7"
        case let .codeInZeroBlock(parameter, _): "parameter \(parameter) has a non-zero code in a block of scale 0"
        case .nonZeroPadding: "the padding nibble of the last byte is not 0"
        case let .nonFiniteGradient(index, _): "gradient value \(index) is not finite"
        // Counts and indices the verifier computed, no byte of the artifact.
        default: "\(error)"
        }
    }

    private static func of(_ error: SafeTensorsError) -> String {
        switch error {
        case .cannotOpen: "it cannot be opened"
        case let .truncated(fileBytes, _): "it is \(fileBytes) bytes, shorter than its header says"
        case let .headerTooLarge(_, limit): "its header length is above the limit of \(limit) bytes"
        case .invalidHeaderJSON: "its header is not a strict JSON object of tensor entries"
        case let .tooManyTensors(_, limit): "it has more than \(limit) tensors"
        case let .invalidEntry(_, reason): "a tensor entry is invalid (\(reason))"
        case .unsupportedDType: "a tensor has an unsupported dtype"
        case let .rankTooLarge(_, _, limit): "a tensor has more than \(limit) dimensions"
        case .sizeMismatch: "a tensor's shape and data_offsets disagree"
        case .outOfBounds: "a tensor ends beyond the data buffer"
        case .overlapping: "two tensors overlap"
        case .gapOrTrailingBytes: "the data buffer has a gap or trailing bytes"
        // The names below are the verifier's own (the tensors it looks for), dtypes its enum's.
        case let .missingTensor(name): "tensor \(name) is missing"
        case let .wrongDType(name, got, want): "tensor \(name) is \(got.rawValue), want \(want.rawValue)"
        }
    }

    private static func of(_ error: ModelError) -> String {
        switch error {
        case let .missingTensor(name): "tensor \(name) is missing"
        case .unexpectedTensor: "it has a tensor the model does not have"
        case let .shapeMismatch(name, _, want): "tensor \(name) does not have the model's shape \(want)"
        default: "it does not fit the model"
        }
    }

    private static func of(_ error: GradientArtifactError) -> String {
        switch error {
        case .wrongFormat: "__metadata__.format is not \(GradientArtifact.format)"
        case .invalidParameterCount: "__metadata__.parameters is not a canonical decimal integer of at least 1"
        case .unexpectedTensors: "its tensors are not exactly codes and scales"
        case let .wrongDType(name, _, want): "tensor \(name) is not \(want)"
        case let .wrongShape(name, _, want): "tensor \(name) does not have the shape \(want)"
        }
    }
}
