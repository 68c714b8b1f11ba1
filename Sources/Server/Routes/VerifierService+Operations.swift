internal import Foundation
internal import HTTPCore
internal import Verification

extension VerifierService {
    /// GET /readyz: 200 when the store takes writes, the data folder's file system has room,
    /// the model is loaded and every worker runs; else 503 with the same per-check booleans and,
    /// for each failing check, why. Answered from the monitor's latest results, so a store that
    /// blocks never holds up the I/O thread.
    func readiness() -> HTTPResponse {
        let snapshot = monitor.current
        var reasons: [String: String] = [:]
        if let reason = snapshot.store { reasons["store"] = reason }
        if let reason = snapshot.disk { reasons["disk"] = reason }
        if scheduler == nil { reasons["model"] = "the PoQ evaluator model is not loaded" }
        if !workers.allRunning { reasons["workers"] = "not every verification worker is running" }
        let checks: [(key: String, value: JSONValue)] = ["disk", "model", "store", "workers"].map { ($0, .bool(reasons[$0] == nil)) }
        var members: [(key: String, value: JSONValue)] = [("checks", .object(checks))]
        if !reasons.isEmpty {
            members.append(("reasons", .object(reasons.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        }
        members.append(("status", .string(reasons.isEmpty ? "ready" : "unavailable")))
        var response = HTTPResponse.json(bytes: JSONValue.object(members).encoded(), status: reasons.isEmpty ? .ok : .serviceUnavailable)
        if !reasons.isEmpty { response.headers.add(name: "Retry-After", value: "1") }
        return response
    }

    /// GET /metrics: the Prometheus text exposition; the job gauges are the monitor's latest.
    func scrape() -> HTTPResponse {
        HTTPResponse(headers: ["Content-Type": PrometheusText.contentType], body: Array(metrics.exposition().utf8))
    }

    /// GET /v1/keys: the public keys this service signs with: the Ed25519 keys of its DSSE
    /// envelopes, each in several forms (`PublishedKey`), and under `eip712` the secp256k1 key
    /// of its EIP-712 signatures with its address and domain (`PublishedEIP712Key`).
    func keys() throws -> HTTPResponse {
        struct Keys: Encodable {
            let keys: [PublishedKey]
            let eip712: PublishedEIP712Key
        }
        return try .json(Keys(keys: [PublishedKey(key.publicKey)],
                              eip712: PublishedEIP712Key(signingKeys.secp256k1, domain: signingKeys.domain)))
    }
}
