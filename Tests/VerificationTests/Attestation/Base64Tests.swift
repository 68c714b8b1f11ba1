import Foundation
import Testing
import Verification

struct Base64Tests {
    /// RFC 4648 section 10 test vectors.
    static let rfc4648: [(String, String)] = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ]

    @Test func encodesRFC4648Vectors() {
        for (plain, encoded) in Self.rfc4648 {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(Base64.decode(encoded) == Array(plain.utf8))
            let unpadded = String(encoded.prefix { $0 != "=" })
            #expect(Base64.encodeURLSafe(Array(plain.utf8)) == unpadded)
            #expect(Base64.decode(unpadded) == Array(plain.utf8))
        }
    }

    @Test func matchesFoundationOnRandomInputs() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let reference = Data(bytes).base64EncodedString()
            #expect(Base64.encode(bytes) == reference)
            #expect(Base64.decode(reference) == bytes)
            let urlSafe = reference.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(Base64.encodeURLSafe(bytes) == urlSafe)
            #expect(Base64.decode(urlSafe) == bytes)
        }
    }

    @Test func decodesBothAlphabets() {
        #expect(Base64.decode("-_8=") == [0xfb, 0xff])
        #expect(Base64.decode("+/8=") == [0xfb, 0xff])
        #expect(Base64.decode("-_8") == [0xfb, 0xff])
    }

    @Test(arguments: [
        "Zm9v Yg==", "Zm9v\nYg==", "Zg=", "Zg===", "Z===", "====", "=Zg=", "Zg=a", "Zm9vY", "Z",
        "Zh==", "Zm9=", "+-8=", "/_8=", "Zm9v*", "Zm9vYmFy=",
    ])
    func refusesMalformedText(_ text: String) {
        #expect(Base64.decode(text) == nil)
    }
}
