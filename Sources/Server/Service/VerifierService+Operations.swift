internal import Foundation
internal import HTTPCore
internal import Verification

extension VerifierService {
    /// GET /readyz: 200 when the store answers, the model is loaded and every worker runs;
    /// else 503 with the same per-check booleans.
    func readiness() -> HTTPResponse {
        let store = (try? readStore.ping()) != nil
        let model = evaluator != nil
        let workersRunning = workers.allRunning
        let ready = store && model && workersRunning
        let body = "{\"checks\":{\"model\":\(model),\"store\":\(store),\"workers\":\(workersRunning)},\"status\":\"\(ready ? "ready" : "unavailable")\"}"
        var response = HTTPResponse.json(bytes: Array(body.utf8), status: ready ? .ok : .serviceUnavailable)
        if !ready { response.headers.add(name: "Retry-After", value: "1") }
        return response
    }

    /// GET /metrics: the Prometheus text exposition, job gauges refreshed from the store.
    func scrape() throws -> HTTPResponse {
        do {
            try metrics.refresh(from: readStore)
        } catch {
            log.event("metrics_refresh_failed", ["error": "\(error)"])
        }
        return HTTPResponse(headers: ["Content-Type": PrometheusText.contentType], body: Array(metrics.exposition().utf8))
    }

    /// GET /v1/keys: the public keys this service signs with.
    func keys() throws -> HTTPResponse {
        struct Key: Encodable {
            let keyId: String
            let algorithm = "ed25519"
            let publicKey: String
        }
        struct Keys: Encodable { let keys: [Key] }
        return try .json(Keys(keys: [Key(keyId: key.keyID, publicKey: key.publicKey.base64URL)]))
    }
}
