internal import Verification

/// `verifier keygen --out FILE [--algorithm ed25519|secp256k1] [--force]`: writes a fresh
/// private key as PKCS#8 PEM with mode 0600 and prints its public identity as JSON.
///
/// ed25519 (the default) is the DSSE signing key (`--key-file`): the output names its key id
/// and public key. secp256k1 is the EIP-712 signing key (`--eip712-key-file`): the output names
/// its Ethereum address and uncompressed public key. Replicas share one key of each kind.
/// An existing FILE is kept (exit 1) unless `--force` is given.
enum KeygenCommand: Subcommand {
    static let name = "keygen"
    static let usage = "keygen --out FILE [--algorithm ed25519|secp256k1] [--force]"

    static func run(_ arguments: [String]) throws -> Int32 {
        let scanner = try ArgumentScanner(arguments, valued: ["--out", "--algorithm"], flags: ["--force"])
        guard scanner.positionals.isEmpty else { throw UsageError("unexpected argument \(scanner.positionals[0])") }
        guard let path = scanner.value("--out"), !path.isEmpty else { throw UsageError("--out FILE is required") }
        let overwrite = scanner.isSet("--force")
        switch scanner.value("--algorithm") ?? "ed25519" {
        case "ed25519":
            let key = SigningKey.generate()
            try KeyFile.writePrivateKey(key, to: path, overwrite: overwrite)
            try JSONOutput.print(["algorithm": "ed25519", "keyId": key.keyID, "publicKey": key.publicKey.base64URL])
        case "secp256k1":
            let key = Secp256k1SigningKey.generate()
            try KeyFile.writePrivateKey(key, to: path, overwrite: overwrite)
            try JSONOutput.print(["algorithm": "secp256k1", "address": key.address.checksummed,
                                  "publicKey": "0x" + Hex.encode(key.publicKey)])
        case let other:
            throw UsageError("--algorithm must be ed25519 or secp256k1, got \"\(other)\"")
        }
        return 0
    }
}
