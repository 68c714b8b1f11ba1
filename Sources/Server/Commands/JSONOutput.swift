internal import Foundation

/// Prints one JSON object on standard output, keys sorted, slashes unescaped, so that
/// command output is stable and easy to read from scripts.
enum JSONOutput {
    static func print(_ object: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}
