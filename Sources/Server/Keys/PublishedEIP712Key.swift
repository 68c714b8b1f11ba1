internal import Verification

/// The secp256k1 key of the EIP-712 signatures as `GET /v1/keys` publishes it (`eip712`): its
/// Ethereum address, the uncompressed public key, and the domain it signs in with that
/// domain's separator, so a contract or client can check a signature without asking again.
struct PublishedEIP712Key: Encodable {
    /// The EIP712Domain values, `chainId` as a decimal string as in the typed data.
    struct Domain: Encodable {
        let name: String
        let version: String
        let chainId: String
        let verifyingContract: String
    }

    let algorithm = "secp256k1"
    /// EIP-55 checksummed.
    let address: String
    /// "0x04" and 128 hex digits.
    let publicKey: String
    let domain: Domain
    /// "0x" and 64 hex digits: hashStruct of the domain.
    let domainSeparator: String

    init(_ key: Secp256k1SigningKey, domain: EIP712Domain) {
        address = key.address.checksummed
        publicKey = "0x" + Hex.encode(key.publicKey)
        self.domain = Domain(name: domain.name, version: domain.version, chainId: String(domain.chainID),
                             verifyingContract: domain.verifyingContract.checksummed)
        domainSeparator = "0x" + Hex.encode(domain.separator)
    }
}
