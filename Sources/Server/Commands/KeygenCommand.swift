internal import Verification

/// `verifier keygen --out FILE [--force]`: writes a fresh Ed25519 private key as PKCS#8 PEM
/// with mode 0600 and prints its key id and public key as JSON.
///
/// An existing FILE is kept (exit 1) unless `--force` is given.
enum KeygenCommand: Subcommand {
    static let name = "keygen"
    static let usage = "keygen --out FILE [--force]"

    static func run(_ arguments: [String]) throws -> Int32 {
        let scanner = try ArgumentScanner(arguments, valued: ["--out"], flags: ["--force"])
        guard scanner.positionals.isEmpty else { throw UsageError("unexpected argument \(scanner.positionals[0])") }
        guard let path = scanner.value("--out"), !path.isEmpty else { throw UsageError("--out FILE is required") }
        let key = SigningKey.generate()
        try KeyFile.writePrivateKey(key, to: path, overwrite: scanner.isSet("--force"))
        try JSONOutput.print([
            "algorithm": "ed25519",
            "keyId": key.keyID,
            "publicKey": key.publicKey.base64URL,
        ])
        return 0
    }
}
