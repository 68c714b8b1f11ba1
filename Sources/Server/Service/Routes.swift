internal import HTTPCore

/// The service's routes; each feature adds its own here.
enum Routes {
    static func make() -> Router {
        var router = Router()
        router.get("/healthz") { _ in health }
        return router
    }

    // Encoded once: the health check is the hottest and cheapest route.
    private static let health = HTTPResponse.json(bytes: Array(#"{"status":"ok"}"#.utf8))
}
