internal import Foundation

/// One JSON file of a checkpoint directory, parsed strictly (valid UTF-8, no duplicate keys)
/// and read through `JSONCursor`, every refusal naming the file and the field.
struct CheckpointJSON {
    /// Largest file read, 64 MiB: the tokenizer.json of a 250,000-token vocabulary is about 10 MB.
    static let maxBytes = 64 << 20

    /// The file's path relative to the checkpoint directory, e.g. "1_Pooling/config.json".
    let file: String
    /// The whole document.
    let root: JSONCursor

    /// Reads `directory/file`, refusing more than `maxBytes` bytes; nil when there is no such file.
    static func read(directory: String, file: String, maxBytes: Int = maxBytes) throws -> CheckpointJSON? {
        let path = directory + "/" + file
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else { throw PoQCheckpointError.unreadable(file: file) }
        guard data.count <= maxBytes else {
            throw PoQCheckpointError.fileTooLarge(file: file, bytes: data.count, limit: maxBytes)
        }
        do throws(JSONFieldError) {
            return CheckpointJSON(file: file, root: try JSONCursor.parse([UInt8](data)))
        } catch {
            throw PoQCheckpointError.invalidField(file: file, field: error.field, reason: error.reason)
        }
    }

    /// Runs a read of this file, naming the file in any `JSONFieldError`.
    func read<T>(_ body: () throws(JSONFieldError) -> T) throws -> T {
        do throws(JSONFieldError) {
            return try body()
        } catch {
            throw PoQCheckpointError.invalidField(file: file, field: error.field, reason: error.reason)
        }
    }

    /// The member `key` of `object`, nil when absent or null.
    func member(_ object: JSONCursor, _ key: String) throws -> JSONCursor? {
        try read { () throws(JSONFieldError) in try object.optionalMember(key) }
    }

    /// The boolean member `key` of `object`, nil when absent or null.
    func bool(_ object: JSONCursor, _ key: String) throws -> Bool? {
        guard let value = try member(object, key) else { return nil }
        switch value.node.kind {
        case .true: return true
        case .false: return false
        default: throw PoQCheckpointError.invalidField(file: file, field: value.path, reason: "must be true or false")
        }
    }

    /// The string member `key` of `object`, nil when absent or null.
    func string(_ object: JSONCursor, _ key: String) throws -> String? {
        guard let value = try member(object, key) else { return nil }
        return try read { () throws(JSONFieldError) in try value.string(maxBytes: Self.maxBytes) }
    }

    /// The non-negative integer `value` (fraction-free, possibly written with an exponent, as
    /// Python writes 1e30 as a float); values of 2^53 and above saturate to `Int.max`, which is
    /// all a length limit needs.
    func count(_ value: JSONCursor) throws -> Int {
        guard let literal = value.node.numberLiteral, let number = Double(literal), number >= 0,
              number.rounded() == number else {
            throw PoQCheckpointError.invalidField(file: file, field: value.path, reason: "must be a non-negative integer")
        }
        return number < 0x1p53 ? Int(number) : Int.max
    }

    /// Refuses `value` of the field at `path` as unsupported, quoting at most 200 bytes of it.
    func unsupported(_ path: String, _ value: JSONCursor?, supported: String) -> PoQCheckpointError {
        let text = value.map { String(decoding: $0.encoded().prefix(200), as: UTF8.self) } ?? "absent"
        return .unsupported(file: file, field: path, value: text, supported: supported)
    }

    /// Refuses any member of `object` not in `known`, naming it: a setting this reader does not
    /// know may change what the libraries compute.
    func refuseUnknownMembers(_ object: JSONCursor, known: Set<String>) throws {
        guard object.isObject else {
            throw PoQCheckpointError.invalidField(file: file, field: object.path, reason: "must be an object")
        }
        for (key, value) in object.node.members where !known.contains(key) {
            let path = object.path.isEmpty ? key : object.path + "." + key
            throw PoQCheckpointError.unsupported(file: file, field: path,
                                                 value: String(decoding: value.encoded().prefix(200), as: UTF8.self),
                                                 supported: "absent (known: \(known.sorted().joined(separator: ", ")))")
        }
    }
}
