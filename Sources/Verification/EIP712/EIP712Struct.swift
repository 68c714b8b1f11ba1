internal import JSONWriter

/// One EIP-712 struct value: its type name and its members in declared order, each with a
/// Solidity type and a value, enough to compute `encodeType`, `typeHash` and `hashStruct`.
///
/// Only the member types this service signs are supported (no nested structs or arrays):
/// `bytes32` (encoded as is), `string` (Keccak-256 of its UTF-8 bytes), `uint256` (32 bytes
/// big-endian) and `address` (12 zero bytes, then the 20 address bytes).
public struct EIP712Struct: Equatable, Sendable {
    /// A member's value; its case fixes the member's Solidity type.
    public enum Value: Hashable, Sendable {
        /// Requires 32 bytes.
        case bytes32([UInt8])
        case string(String)
        case uint256(UInt64)
        case address(EthereumAddress)

        /// The Solidity type name.
        public var type: String {
            switch self {
            case .bytes32: "bytes32"
            case .string: "string"
            case .uint256: "uint256"
            case .address: "address"
            }
        }

        /// The 32-byte `encodeData` word (EIP-712, "Definition of encodeData").
        var encoded: [UInt8] {
            switch self {
            case let .bytes32(bytes): bytes
            case let .string(text): Keccak256.hash(Array(text.utf8))
            case let .uint256(value): [UInt8](repeating: 0, count: 24) + (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
            case let .address(address): [UInt8](repeating: 0, count: 12) + address.rawBytes
            }
        }

        /// The value as eth_signTypedData_v4 JSON: bytes32 as "0x" and 64 hex digits, address
        /// EIP-55 checksummed, uint256 as a decimal string (exact beyond 2^53, where JSON
        /// numbers stop being exact in JavaScript).
        var json: String {
            switch self {
            case let .bytes32(bytes): "\"0x" + Hex.encode(bytes) + "\""
            case let .string(text): JSONText.quote(text)
            case let .uint256(value): "\"\(value)\""
            case let .address(address): "\"" + address.checksummed + "\""
            }
        }
    }

    /// The struct's type name, e.g. "PoGOVerdict".
    public let name: String
    /// The members, in the order of the type declaration.
    public let members: [(name: String, value: Value)]

    /// Requires `bytes32` values of 32 bytes and member names that are Solidity identifiers.
    public init(name: String, members: [(name: String, value: Value)]) {
        for member in members {
            if case let .bytes32(bytes) = member.value {
                precondition(bytes.count == 32, "bytes32 member \(member.name) has \(bytes.count) bytes")
            }
        }
        self.name = name
        self.members = members
    }

    /// `encodeType`: "Name(type1 name1,type2 name2,...)".
    public var encodeType: String {
        name + "(" + members.map { $0.value.type + " " + $0.name }.joined(separator: ",") + ")"
    }

    /// Keccak-256 of `encodeType`.
    public var typeHash: [UInt8] { Keccak256.hash(Array(encodeType.utf8)) }

    /// `hashStruct` = Keccak-256(typeHash || encodeData), each member one 32-byte word.
    public var hashStruct: [UInt8] {
        Keccak256.hash(members.reduce(typeHash) { $0 + $1.value.encoded })
    }

    /// The type's entry of eth_signTypedData_v4's "types": [{"name":...,"type":...}, ...].
    var typeJSON: String {
        "[" + members.map { "{\"name\":" + JSONText.quote($0.name) + ",\"type\":\"" + $0.value.type + "\"}" }
            .joined(separator: ",") + "]"
    }

    /// The values as a JSON object, keys sorted.
    var valuesJSON: String {
        "{" + members.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
            .map { JSONText.quote($0.name) + ":" + $0.value.json }.joined(separator: ",") + "}"
    }

    public static func == (lhs: EIP712Struct, rhs: EIP712Struct) -> Bool {
        lhs.name == rhs.name && lhs.members.elementsEqual(rhs.members) { $0.name == $1.name && $0.value == $1.value }
    }
}
