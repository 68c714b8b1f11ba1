import Testing
@testable import HTTPCore

struct RouterTests {
    private func router() -> Router {
        var r = Router()
        r.get("/v1/pogo/bundles/{id}") { _ in HTTPResponse() }
        r.post("/v1/pogo/bundles", cost: .pool) { _ in HTTPResponse() }
        r.get("/v1/pogo/bundles/{id}/attestation") { _ in HTTPResponse() }
        return r
    }

    @Test func bindsNamedParametersPercentDecoded() {
        guard case .found(let route, let parameters) = router().match(method: .get, path: "/v1/pogo/bundles/ab%2Fcd") else {
            Issue.record("no match")
            return
        }
        #expect(parameters == ["id": "ab/cd"])
        #expect(route.segments.count == 4)
    }

    @Test func matchesLiteralSegmentsExactly() {
        guard case .found(_, let parameters) = router().match(method: .get, path: "/v1/pogo/bundles/7/attestation") else {
            Issue.record("no match")
            return
        }
        #expect(parameters == ["id": "7"])
        guard case .notFound = router().match(method: .get, path: "/v1/pogo/bundles/7/other") else {
            Issue.record("expected 404")
            return
        }
    }

    @Test func refusesEmptyParameterAndTrailingSlash() {
        guard case .notFound = router().match(method: .get, path: "/v1/pogo/bundles/") else {
            Issue.record("empty parameter matched")
            return
        }
    }

    @Test func listsAllowedMethodsFor405() {
        guard case .methodNotAllowed(let allow) = router().match(method: .delete, path: "/v1/pogo/bundles/1") else {
            Issue.record("expected 405")
            return
        }
        #expect(allow == [.get, .head])
    }

    @Test func answersHeadWithGetRoute() {
        guard case .found(let route, _) = router().match(method: .head, path: "/v1/pogo/bundles/1") else {
            Issue.record("HEAD did not fall back to GET")
            return
        }
        #expect(route.method == .get)
    }

    @Test func keepsDeclaredCost() {
        guard case .found(let route, _) = router().match(method: .post, path: "/v1/pogo/bundles") else {
            Issue.record("no match")
            return
        }
        #expect(route.cost == .pool)
    }

    @Test func refusesTargetsThatAreNotPaths() {
        guard case .notFound = router().match(method: .get, path: "*") else {
            Issue.record("asterisk matched")
            return
        }
    }
}
