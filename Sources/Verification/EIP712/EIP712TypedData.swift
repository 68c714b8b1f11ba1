internal import JSONWriter

/// A message to sign under EIP-712: a domain and one struct value (the primary type).
///
/// The signed digest is Keccak-256(0x19 || 0x01 || domainSeparator || hashStruct(message))
/// (EIP-712, "Specification of the eth_signTypedData JSON RPC"; EIP-191 version 0x01).
public struct EIP712TypedData: Equatable, Sendable {
    public let domain: EIP712Domain
    public let message: EIP712Struct

    public init(domain: EIP712Domain, message: EIP712Struct) {
        self.domain = domain
        self.message = message
    }

    /// The 32-byte digest that is signed.
    public var digest: [UInt8] {
        Keccak256.hash([0x19, 0x01] + domain.separator + message.hashStruct)
    }

    /// The eth_signTypedData_v4 JSON object, compact, keys sorted (arrays keep member order):
    /// {"domain":{...},"message":{...},"primaryType":"...","types":{"EIP712Domain":[...],"<primaryType>":[...]}}.
    public var json: String {
        let domainStruct = domain.structValue
        let types = [(domainStruct.name, domainStruct.typeJSON), (message.name, message.typeJSON)]
            .sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
            .map { JSONText.quote($0.0) + ":" + $0.1 }
        return "{\"domain\":" + domainStruct.valuesJSON + ",\"message\":" + message.valuesJSON
            + ",\"primaryType\":" + JSONText.quote(message.name) + ",\"types\":{" + types.joined(separator: ",") + "}}"
    }
}
