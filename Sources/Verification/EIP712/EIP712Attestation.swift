/// A verdict or score signed as EIP-712 typed data with the service's secp256k1 key: what a
/// smart contract checks with `ecrecover`.
///
/// JSON form (compact, keys sorted): `{"digest":"0x<64 hex>","signature":"0x<130 hex>",
/// "signer":"<EIP-55 address>","typedData":{...eth_signTypedData_v4 object...}}`.
public struct EIP712Attestation: Equatable, Sendable {
    public let typedData: EIP712TypedData
    /// `typedData.digest`.
    public let digest: [UInt8]
    public let signature: EthereumSignature
    /// The address of the key that signed.
    public let signer: EthereumAddress

    /// Signs `typedData` with `key`.
    public init(signing typedData: EIP712TypedData, with key: Secp256k1SigningKey) {
        self.typedData = typedData
        digest = typedData.digest
        signature = key.signature(forDigest: digest)
        signer = key.address
    }

    /// The JSON text described above.
    public var json: String {
        "{\"digest\":\"0x" + Hex.encode(digest) + "\",\"signature\":\"" + signature.hex + "\",\"signer\":\""
            + signer.checksummed + "\",\"typedData\":" + typedData.json + "}"
    }
}
