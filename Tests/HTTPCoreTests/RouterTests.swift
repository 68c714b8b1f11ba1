import Foundation
import Testing
@testable import HTTPCore

struct RouterTests {
    private func router() -> Router {
        var r = Router()
        r.get("/v1/pogo/bundles/{id}") { _ in HTTPResponse() }
        r.post("/v1/pogo/bundles", cost: .pool("bundles"), maxBodyBytes: 1_024) { _ in HTTPResponse() }
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
        guard case .methodNotAllowed(let allow, let pattern) = router().match(method: .delete, path: "/v1/pogo/bundles/1") else {
            Issue.record("expected 405")
            return
        }
        #expect(allow == [.get, .head])
        #expect(pattern == "/v1/pogo/bundles/{id}")
    }

    @Test func answersHeadWithGetRoute() {
        guard case .found(let route, _) = router().match(method: .head, path: "/v1/pogo/bundles/1") else {
            Issue.record("HEAD did not fall back to GET")
            return
        }
        #expect(route.method == .get)
    }

    @Test func keepsDeclaredCostAndBodyLimit() {
        guard case .found(let route, _) = router().match(method: .post, path: "/v1/pogo/bundles") else {
            Issue.record("no match")
            return
        }
        #expect(route.cost == .pool("bundles"))
        #expect(route.maxBodyBytes == 1_024)
    }

    @Test func refusesTargetsThatAreNotPaths() {
        guard case .notFound = router().match(method: .get, path: "*") else {
            Issue.record("asterisk matched")
            return
        }
    }

    /// The byte-wise matcher agrees with a naive split-and-compare reference on every path of up
    /// to four segments drawn from the routes' own segments, empty segments, near misses and
    /// escapes (16,105 paths).
    @Test func agreesWithNaiveSplitMatcherOnEveryShortPath() {
        let patterns = ["/", "/a", "/a/{x}", "/a/{x}/b", "/{x}/{y}", "/v1/pogo/bundles/{id}", "/v1/pogo/bundles", "/é/{x}"]
        var r = Router()
        for pattern in patterns { r.get(pattern) { _ in HTTPResponse() } }
        let pieces = ["a", "b", "", "v1", "pogo", "bundles", "%41", "é", "ab", "a%2Fb", "x y"]
        var paths: [[String]] = [[]]
        var frontier: [[String]] = [[]]
        for _ in 1...4 {
            frontier = frontier.flatMap { prefix in pieces.map { prefix + [$0] } }
            paths += frontier
        }
        #expect(paths.count == 16_105)
        for segments in paths {
            let path = "/" + segments.joined(separator: "/")
            let expected = Self.naiveMatch(patterns, path)
            switch r.match(method: .get, path: Substring(path)) {
            case .found(let route, let parameters):
                #expect(expected?.pattern == route.pattern, "\(path)")
                #expect(expected?.parameters == parameters, "\(path)")
            case .notFound:
                #expect(expected == nil, "\(path)")
            case .methodNotAllowed:
                Issue.record("405 for GET \(path)")
            }
        }
    }

    /// The first pattern whose `/`-split segments equal the path's (parameters non-empty).
    private static func naiveMatch(_ patterns: [String], _ path: String) -> (pattern: String, parameters: [String: String])? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for pattern in patterns {
            let segments = pattern.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
            guard segments.count == parts.count else { continue }
            var parameters: [String: String] = [:]
            var fits = true
            for (segment, part) in zip(segments, parts) {
                if segment.hasPrefix("{") {
                    if part.isEmpty { fits = false }
                    parameters[String(segment.dropFirst().dropLast())] = String(part).removingPercentEncoding ?? String(part)
                } else if segment != part {
                    fits = false
                }
            }
            if fits { return (pattern, parameters) }
        }
        return nil
    }
}
