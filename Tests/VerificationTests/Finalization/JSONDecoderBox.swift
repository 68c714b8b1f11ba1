import Foundation
import Verification

/// Decodes a finalization result from JSON bytes.
enum JSONDecoderBox {
    static func decode(_ bytes: [UInt8]) throws -> FinalizationResult {
        try JSONDecoder().decode(FinalizationResult.self, from: Data(bytes))
    }
}
