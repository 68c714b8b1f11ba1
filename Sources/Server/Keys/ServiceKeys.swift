internal import Verification

/// The service's two signing keys and the EIP-712 domain it signs in.
///
/// Every verdict and score is signed twice: a DSSE envelope with the Ed25519 key (for
/// verifiers and finalization), and EIP-712 typed data with the secp256k1 key (for contracts
/// that check it with `ecrecover`).
struct ServiceKeys: Sendable {
    /// Signs DSSE envelopes.
    let ed25519: SigningKey
    /// Signs EIP-712 typed data; its address is published at /v1/keys.
    let secp256k1: Secp256k1SigningKey
    /// The domain of every EIP-712 signature (chain id and verifying contract are settings).
    let domain: EIP712Domain
}
