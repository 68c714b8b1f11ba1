import Foundation
import Synchronization
import Testing
@testable import Server
import Verification

/// ArtifactFetcher against tools/range_server.py: whole bodies, ranges, servers that ignore
/// Range, and every limit at N (accepted) and N + 1 (refused).
@Suite(.serialized) struct ArtifactFetcherTests {
    let server: RangeServer

    init() throws { server = try RangeServer() }

    func fetcher(_ edit: (inout FetchConfiguration) -> Void = { _ in }) throws -> ArtifactFetcher {
        ArtifactFetcher(configuration: try server.configuration(edit))
    }

    @Test func fetchesWholeBodyOfExactlyMaxBytes() throws {
        let url = try server.put("n.bin", RangeServer.pattern(1_000))
        #expect(try fetcher { $0.maxBytes = 1_000 }.fetch(url) == RangeServer.pattern(1_000))
    }

    @Test func refusesBodyOneByteOverMaxBytes() throws {
        let url = try server.put("n1.bin", RangeServer.pattern(1_001))
        #expect(throws: FetchError.tooLarge(limit: 1_000)) { try fetcher { $0.maxBytes = 1_000 }.fetch(url) }
    }

    @Test func refusesStreamedBodyOverMaxBytesWithoutWaitingForTheEnd() throws {
        // /slow announces its length; the cap applies whatever the server declares.
        #expect(throws: FetchError.tooLarge(limit: 500)) {
            try fetcher { $0.maxBytes = 500 }.fetch(server.base + "/slow?ms=100&bytes=1000")
        }
    }

    /// https through libcurl and OpenSSL: whole bodies and ranges when the server's certificate
    /// is trusted through `caFile`; without it (system CAs only) the handshake fails as `.tls`,
    /// and an unreadable CA file is refused before any transfer.
    @Test func fetchesOverHTTPSOnlyWithATrustedCertificate() throws {
        let secure = try RangeServer(tls: true)
        let url = try secure.put("s.bin", RangeServer.pattern(3_000))
        #expect(url.hasPrefix("https://127.0.0.1:"))
        let trusted = ArtifactFetcher(configuration: try secure.configuration { $0.caFile = secure.certificate })
        #expect(try trusted.fetch(url) == RangeServer.pattern(3_000))
        #expect(try trusted.fetch(url, range: 100..<164) == Array(RangeServer.pattern(3_000)[100..<164]))
        let untrusted = ArtifactFetcher(configuration: try secure.configuration())
        #expect { try untrusted.fetch(url) } throws: { error in
            guard case FetchError.tls = error else { return false }
            return true
        }
        let environment = ["VERIFIER_FETCH_CA_FILE": try #require(secure.certificate)]
        #expect(try FetchConfiguration(environment: environment).caFile == secure.certificate)
        #expect(throws: FetchConfiguration.EnvironmentError.self) {
            try FetchConfiguration(environment: ["VERIFIER_FETCH_CA_FILE": "/nonexistent/ca.pem"])
        }
    }

    /// Range reads through one fetcher reuse its HTTP connection (a leaf-only verification
    /// reads hundreds of ranges); separate fetchers do not share connections.
    @Test func rangeReadsReuseTheConnection() throws {
        let fresh = try RangeServer()
        let url = try fresh.put("c.bin", RangeServer.pattern(10_000))
        let f = ArtifactFetcher(configuration: try fresh.configuration())
        for i in 0..<20 {
            #expect(try f.fetch(url, range: i * 100..<i * 100 + 50) == Array(RangeServer.pattern(10_000)[i * 100..<i * 100 + 50]))
        }
        // The count request itself goes through the same fetcher, hence the same connection.
        #expect(String(decoding: try f.fetch(fresh.base + "/connections"), as: UTF8.self) == "1")
        _ = try ArtifactFetcher(configuration: try fresh.configuration()).fetch(url, range: 0..<10)
        #expect(String(decoding: try f.fetch(fresh.base + "/connections"), as: UTF8.self) == "2")
    }

    /// Whole fetches through one `URLArtifactSource` share its fetcher's connection (it used
    /// to build a fetcher, and a pool, per call), each under the caller's byte limit.
    @Test func sourceFetchesReuseTheConnectionUnderTheCallersLimit() throws {
        let fresh = try RangeServer()
        let url = try fresh.put("s.bin", RangeServer.pattern(1_000))
        let source = URLArtifactSource(configuration: try fresh.configuration())
        for _ in 0..<5 { #expect(try source.fetch(url, maxBytes: 1_000) == RangeServer.pattern(1_000)) }
        #expect(String(decoding: try source.fetcher.fetch(fresh.base + "/connections"), as: UTF8.self) == "1")
        let refused = try #require(throws: ArtifactSourceError.self) { try source.fetch(url, maxBytes: 999) }
        guard case let .failed(_, reason) = refused else {
            Issue.record("got \(refused)")
            return
        }
        #expect(reason == FetchError.tooLarge(limit: 999).description)
    }

    @Test func readsSingleRangeWith206() throws {
        let url = try server.put("r.bin", RangeServer.pattern(5_000))
        #expect(try fetcher().fetch(url, range: 1_000..<1_032) == Array(RangeServer.pattern(5_000)[1_000..<1_032]))
    }

    @Test func rangePastTheEndIsShortOr416() throws {
        let url = try server.put("e.bin", RangeServer.pattern(100))
        #expect(try fetcher().fetch(url, range: 90..<120) == Array(RangeServer.pattern(100)[90...]))
        #expect(throws: FetchError.httpStatus(416)) { try fetcher().fetch(url, range: 100..<120) }
        let source = URLArtifactSource(configuration: try server.configuration())
        #expect(try source.read(url, range: 100..<120) == [])
    }

    @Test func serverIgnoringRangeIsStreamedAndDiscardedUpToMaxBytes() throws {
        let ignoring = try RangeServer(ignoreRange: true)
        let url = try ignoring.put("i.bin", RangeServer.pattern(4_000))
        let f = ArtifactFetcher(configuration: try ignoring.configuration { $0.maxBytes = 3_000 })
        #expect(try f.fetch(url, range: 2_000..<3_000) == Array(RangeServer.pattern(4_000)[2_000..<3_000]))
        #expect(throws: FetchError.rangeNotHonoured(rangeEnd: 3_001, limit: 3_000)) { try f.fetch(url, range: 2_000..<3_001) }
    }

    @Test func followsRedirectsUpToTheLimit() throws {
        try server.put("h.bin", RangeServer.pattern(10))
        #expect(try fetcher { $0.maxRedirects = 3 }.fetch(server.base + "/hops/2/h.bin") == RangeServer.pattern(10))
        #expect(throws: FetchError.tooManyRedirects(limit: 3)) {
            try fetcher { $0.maxRedirects = 3 }.fetch(server.base + "/hops/3/h.bin")
        }
    }

    @Test func timesOutPastTheTotalTimeout() throws {
        #expect(throws: FetchError.timeout(limitMs: 300)) {
            try fetcher { $0.totalTimeout = .milliseconds(300) }.fetch(server.base + "/slow?ms=3000&bytes=100")
        }
    }

    @Test func reportsHTTPStatus() throws {
        #expect(throws: FetchError.httpStatus(404)) { try fetcher().fetch(server.base + "/missing.bin") }
        #expect(throws: FetchError.httpStatus(500)) { try fetcher().fetch(server.base + "/status/500") }
    }

    @Test func refusesSchemesOtherThanHTTP() throws {
        #expect(throws: FetchError.schemeNotAllowed(url: "ftp://127.0.0.1/x")) { try fetcher().fetch("ftp://127.0.0.1/x") }
        #expect(throws: FetchError.schemeNotAllowed(url: "file:///etc/hostname")) { try fetcher().fetch("file:///etc/hostname") }
    }

    @Test func neverFollowsARedirectToAFile() throws {
        let path = server.directory + "/local.bin"
        try server.put("local.bin", RangeServer.pattern(64))
        let redirect = server.base + "/redirect?to=file://" + path
        #expect(throws: FetchError.schemeNotAllowed(url: redirect)) { try fetcher().fetch(redirect) }
    }

    /// Whoever polls a job reads the category of a refused address, never the address a name
    /// resolved to; the operator's log gets the detail.
    @Test func refusedAddressesNameTheirCategoryNotTheAddress() {
        let error = FetchError.refusedAddress(address: "10.1.2.3:80", category: .private)
        #expect(error.description == "refused to connect to a private address")
        #expect(error.detail == "refused to connect to private address 10.1.2.3:80")
        let range = FetchError.rangeMismatch(requested: "0-7", got: "bytes 9-10/11 secret")
        #expect(!range.description.contains("secret") && range.detail.contains("secret"))
    }

    @Test func defaultPolicyRefusesLoopbackByAddressAndByName() throws {
        let url = try server.put("l.bin", RangeServer.pattern(10))
        let strict = ArtifactFetcher()
        #expect(throws: FetchError.refusedAddress(address: "127.0.0.1:\(server.port)", category: .loopback)) { try strict.fetch(url) }
        do {
            _ = try strict.fetch("http://localhost:\(server.port)/l.bin")
            Issue.record("localhost was fetched")
        } catch let .refusedAddress(_, category) {
            #expect(category == .loopback)
        }
    }

    @Test func refusesRedirectToAnotherLoopbackPort() throws {
        // Only this server's port is allowlisted; the redirect leads to another loopback port,
        // refused before any connection (nothing needs to listen there).
        let other = server.port == 65_535 ? server.port - 1 : server.port + 1
        let url = server.base + "/redirect?to=http://127.0.0.1:\(other)/x"
        #expect(throws: FetchError.refusedAddress(address: "127.0.0.1:\(other)", category: .loopback)) { try fetcher().fetch(url) }
    }
}

/// One fetcher shared by many threads: each fetch has its own handle and state.
@Suite struct ArtifactFetcherConcurrencyTests {
    @Test func concurrentRangeReadsFromOneFetcherAreIndependent() throws {
        let server = try RangeServer()
        let data = RangeServer.pattern(64 * 1_024)
        let url = try server.put("c.bin", data)
        let fetcher = ArtifactFetcher(configuration: try server.configuration())
        let results = Mutex<[Int: [UInt8]]>([:])
        DispatchQueue.concurrentPerform(iterations: 16) { k in
            let bytes = try? fetcher.fetch(url, range: (k * 4_096)..<(k * 4_096 + 4_096))
            results.withLock { $0[k] = bytes }
        }
        for k in 0..<16 {
            #expect(results.withLock { $0[k] } == Array(data[(k * 4_096)..<(k * 4_096 + 4_096)]), "range \(k)")
        }
    }
}
