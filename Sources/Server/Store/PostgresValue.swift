internal import CPQ

/// A statement parameter. Every parameter travels in binary format with its length, so bundle
/// bytes reach the server unchanged (no escaping, NUL bytes included) and no value is ever
/// spliced into SQL text.
enum PostgresValue: Sendable, Equatable {
    case null
    case text(String)
    case int64(Int64)
    case bytes([UInt8])

    /// Type OIDs from the server's pg_type catalogue (fixed since PostgreSQL 7).
    enum TypeOID {
        static let bytea: Oid = 17
        static let int8: Oid = 20
        static let int2: Oid = 21
        static let int4: Oid = 23
        static let text: Oid = 25
        static let varchar: Oid = 1043
    }

    /// The declared type; NULL is left for the server to infer (0).
    var oid: Oid {
        switch self {
        case .null: return 0
        case .text: return TypeOID.text
        case .int64: return TypeOID.int8
        case .bytes: return TypeOID.bytea
        }
    }

    /// The wire bytes in binary format (every parameter is sent binary, with its length), or
    /// nil for NULL: text as UTF-8, int8 as 8 bytes big-endian, bytea as the bytes themselves.
    var wireBytes: [UInt8]? {
        switch self {
        case .null: return nil
        case .text(let text): return Array(text.utf8)
        case .int64(let value): return withUnsafeBytes(of: value.bigEndian) { Array($0) }
        case .bytes(let bytes): return bytes
        }
    }
}
