import Foundation
import TestSupport
import Testing
@testable import Verification

/// EIP-712 typed data of PoGO verdicts and PoQ scores: the documented worked example byte for
/// byte, published hashes, and eth-account's digests and signatures on random inputs.
struct EIP712Tests {
    /// The private key of the eth-account / web3.py documentation examples (address
    /// 0x2c7536E3605D9C16a7a3D7b1898e529396a65c23): the key of the worked example.
    static let exampleKey = Hex.decode("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")!

    /// The report fields of the worked example: commitment SHA-256("abc"), beacon SHA-256("").
    static func exampleReport(verdict: VerificationReport.Verdict = .positive, mode: VerificationReport.Mode = .full,
                              commitment: String = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                              beacon: String = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                              beaconSource: ChallengeBeacon.Source = .verifier) -> VerificationReport {
        VerificationReport(verdict: verdict, mode: mode, bundleDigest: commitment, commitmentDigest: commitment, runKey: commitment,
                           beacon: beacon, beaconSource: beaconSource, challengeSeed: commitment, stepsChecked: [],
                           leavesChecked: [], checks: [], failedChecks: [], timings: .init(), policy: VerificationPolicy())
    }

    static let exampleIdentity = "poq/1 similarity sha256:53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    /// The pair digest of the worked example of docs/protocol-parts/poq.md.
    static let examplePair = Digest(hex: "f8ae03b7aec7bf84de17836a5532945929a2807b1505408f14d7aaaf9284e730")!

    /// The EIP712Domain type hash is OpenZeppelin's EIP712 `TYPE_HASH`; the other two are
    /// Keccak-256 of the type strings documented in docs/protocol-parts/attestations.md.
    @Test func typeHashesMatchTheDocumentedTypes() throws {
        let domain = EIP712Domain().structValue
        #expect(domain.encodeType == "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
        #expect(Hex.encode(domain.typeHash) == "8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f")
        let pogo = try PoGOAttestation.eip712Message(for: Self.exampleReport())
        #expect(pogo.encodeType == "PoGOVerdict(bytes32 commitment,string verdict,string mode,bytes32 beacon,string beaconSource)")
        #expect(Hex.encode(pogo.typeHash) == "37593fa297f052fb457481cc3d9fb281861ab2062f3152981389b7f7ec66f5e5")
        let poq = PoQAttestation.eip712Message(pairDigest: Self.examplePair, score: 0.5, evaluatorIdentity: Self.exampleIdentity)
        #expect(poq.encodeType == "PoQScore(bytes32 pair,uint256 score,string evaluator)")
        #expect(Hex.encode(poq.typeHash) == "fd115716f95505163b47a34f47f6dac95efd254a65933d8149601728506d4928")
    }

    /// EIP-712's own example domain ("Ether Mail", version 1, chain 1, contract 0xCcCC...cC) has
    /// the separator the EIP's Example.js prints.
    @Test func domainSeparatorMatchesEIP712Example() {
        let domain = EIP712Domain(name: "Ether Mail", version: "1", chainID: 1,
                                  verifyingContract: EthereumAddress(text: "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC")!)
        #expect(Hex.encode(domain.separator) == "f2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f")
    }

    /// The worked example of docs/protocol-parts/attestations.md ("EIP-712 worked example"): its
    /// table (label -> hex, without backticks) and its two JSON lines (verdict, then score).
    static func documentedExample() throws -> (values: [String: String], json: [String]) {
        let path = Repository.path("docs/protocol-parts/attestations.md")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let section = try #require(text.components(separatedBy: "### EIP-712 worked example").dropFirst().first)
            .components(separatedBy: "\n### ")[0]
        var values: [String: String] = [:]
        for line in section.split(separator: "\n") where line.hasPrefix("| ") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            if cells.count == 2, cells[1].hasPrefix("`") { values[cells[0]] = cells[1].trimmingCharacters(in: ["`"]) }
        }
        let json = section.split(separator: "\n").filter { $0.hasPrefix("    {\"digest\":") }.map { String($0.dropFirst(4)) }
        return (values, json)
    }

    /// docs/protocol-parts/attestations.md, "EIP-712 worked example": every documented value, read
    /// from the file. They were computed with eth-account 0.14.0 (tools/eip712_reference.py
    /// `example` checks the same file with it).
    @Test func reproducesDocumentedWorkedExample() throws {
        let (values, json) = try Self.documentedExample()
        #expect(values.count == 10 && json.count == 2, "the example's table or JSON lines are missing")
        #expect(values["private key"] == Hex.encode(Self.exampleKey))
        let key = try Secp256k1SigningKey(privateKey: Self.exampleKey)
        #expect(key.address.checksummed == values["address"])
        #expect(Hex.encode(EIP712Domain().structValue.typeHash) == values["typeHash(EIP712Domain)"])
        let domain = EIP712Domain()
        #expect(Hex.encode(domain.separator) == values["domain separator"])

        let pogo = try PoGOAttestation.eip712Attestation(for: Self.exampleReport(), key: key, domain: domain)
        #expect(Hex.encode(pogo.typedData.message.typeHash) == values["typeHash(PoGOVerdict)"])
        #expect(Hex.encode(pogo.typedData.message.hashStruct) == values["hashStruct(verdict)"])
        #expect(Hex.encode(pogo.digest) == values["verdict digest"])
        #expect(pogo.json == json.first)

        let poq = EIP712Attestation(signing: EIP712TypedData(domain: domain, message: PoQAttestation.eip712Message(
            pairDigest: Self.examplePair, score: 0.5, evaluatorIdentity: Self.exampleIdentity)), with: key)
        #expect(Hex.encode(poq.typedData.message.typeHash) == values["typeHash(PoQScore)"])
        #expect(Hex.encode(poq.typedData.message.hashStruct) == values["hashStruct(score)"])
        #expect(Hex.encode(poq.digest) == values["score digest"])
        #expect(poq.json == json.last)
        for attestation in [pogo, poq] {
            #expect(attestation.signature.recoverSigner(digest: attestation.digest) == key.address)
        }
    }

    /// On random keys, domains, verdicts and scores, eth-account reads our typed-data JSON to the
    /// same digest and signs it to the same 65 bytes (both use RFC 6979 and low s).
    @Test func digestsAndSignaturesMatchEthAccount() throws {
        var generator = MerkleRandomTreeTests.SplitMix(state: 712)
        func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) } }
        var attestations: [(EIP712Attestation, [UInt8])] = []
        for i in 0..<12 {
            let secret = Secp256k1Backend.randomScalar()
            let key = try Secp256k1SigningKey(privateKey: secret)
            let domain = EIP712Domain(chainID: UInt64.random(in: 1...EIP712Domain.maxChainID, using: &generator),
                                      verifyingContract: EthereumAddress(rawBytes: bytes(20)))
            let message: EIP712Struct
            if i % 2 == 0 {
                message = try PoGOAttestation.eip712Message(for: Self.exampleReport(
                    verdict: i % 4 == 0 ? .positive : .negative, mode: i % 3 == 0 ? .leafOnly : .full,
                    commitment: Hex.encode(bytes(32)), beacon: Hex.encode(bytes(32)), beaconSource: i % 3 == 1 ? .caller : .verifier))
            } else {
                message = PoQAttestation.eip712Message(pairDigest: Digest(bytes: bytes(32)), score: Double.random(in: 0...1, using: &generator),
                                                       evaluatorIdentity: "poq/1 évaluateur \"\(i)\" sha256:" + Hex.encode(bytes(32)))
            }
            attestations.append((EIP712Attestation(signing: EIP712TypedData(domain: domain, message: message), with: key), secret))
        }
        let python = try EIP712Reference.sign(attestations.map { ($0.0.typedData.json, $0.1) })
        #expect(python.count == attestations.count)
        for ((attestation, _), answer) in zip(attestations, python) {
            #expect(answer["digest"] == "0x" + Hex.encode(attestation.digest))
            #expect(answer["signature"] == attestation.signature.hex)
            #expect(answer["address"] == attestation.signer.checksummed)
        }
    }

    /// The exact product rounded half to even, as Python's round(Fraction(score) * 10**18) gives:
    /// 0.1 is 0.1000000000000000055... in binary64; 2^-19 and 3 * 2^-19 are exact ties.
    @Test func fixedPointScoreRoundsTheExactProductHalfToEven() {
        let cases: [(Double, UInt64)] = [
            (0, 0), (1, 1_000_000_000_000_000_000), (0.5, 500_000_000_000_000_000), (0.1, 100_000_000_000_000_006),
            (0x1p-19, 1_907_348_632_812), (0x3p-19, 5_722_045_898_438), (0.7345123456789, 734_512_345_678_900_003),
            (0.9999999999999999, 999_999_999_999_999_889), (Double.leastNonzeroMagnitude, 0), (0x1p-62, 0), (0x1p-61, 0),
        ]
        for (score, fixed) in cases {
            #expect(PoQAttestation.fixedPointScore(score) == fixed, "score \(score)")
        }
    }
}
