import Testing
import Verification

/// Known answers from FIPS 180-2 appendix B and the NIST CAVP short-message vectors.
struct SHA256Tests {
    @Test func hashesEmptyString() {
        #expect(SHA256.hash([]).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func hashesABC() {
        #expect(SHA256.hash(Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func hashesTwoBlockMessageIncrementally() {
        let message = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        var hasher = SHA256()
        for chunk in stride(from: 0, to: message.count, by: 7) {
            hasher.update(Array(message[chunk..<min(chunk + 7, message.count)]))
        }
        #expect(hasher.finalize().hex == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func rejectsMalformedHexDigests() {
        #expect(Digest(hex: "zz") == nil)
        #expect(Digest(hex: String(repeating: "a", count: 63)) == nil)
        #expect(Digest(hex: String(repeating: "A", count: 64))?.hex == String(repeating: "a", count: 64))
    }
}
