/// The EIP-712 domain this service signs in: `EIP712Domain(string name,string version,
/// uint256 chainId,address verifyingContract)`.
///
/// A contract that checks the signatures builds the same domain with its own chain id and
/// address (`block.chainid`, `address(this)`), so a signature made for another chain or
/// contract never verifies there. The defaults (chain id 1, the zero address) match no
/// deployed contract: until an operator sets both, signatures check off chain only.
public struct EIP712Domain: Hashable, Sendable {
    /// The domain name every signature of this service carries.
    public static let serviceName = "PoGO Verifier"
    /// The version of the typed-data layout (docs/protocol-parts/attestations.md); a change of
    /// any type or member changes it.
    public static let serviceVersion = "1"
    /// The largest chain id accepted: 2^53 - 1, the largest integer every JSON reader keeps exact.
    public static let maxChainID: UInt64 = (1 << 53) - 1

    public let name: String
    public let version: String
    /// The EIP-155 chain id, in 1...`maxChainID`.
    public let chainID: UInt64
    public let verifyingContract: EthereumAddress

    /// Requires `chainID` in 1...`maxChainID`.
    public init(name: String = serviceName, version: String = serviceVersion, chainID: UInt64 = 1,
                verifyingContract: EthereumAddress = .zero) {
        precondition((1...Self.maxChainID).contains(chainID), "chain id \(chainID) is not in 1...2^53 - 1")
        self.name = name
        self.version = version
        self.chainID = chainID
        self.verifyingContract = verifyingContract
    }

    /// The domain as an EIP-712 struct value.
    public var structValue: EIP712Struct {
        EIP712Struct(name: "EIP712Domain", members: [
            ("name", .string(name)), ("version", .string(version)),
            ("chainId", .uint256(chainID)), ("verifyingContract", .address(verifyingContract)),
        ])
    }

    /// The domain separator: `hashStruct` of the domain.
    public var separator: [UInt8] { structValue.hashStruct }
}
