import Foundation
import HTTPCore
import Synchronization

/// A server on a free port with routes for the live tests, collecting its log events.
final class TestServer: Sendable {
    let server: HTTPServer
    let port: Int
    let recorder = Recorder()
    /// Signalled by /gate when its handler starts; /gate returns once `gate` is signalled.
    let gateStarted = DispatchSemaphore(value: 0)
    let gate = DispatchSemaphore(value: 0)
    /// Signalled by /watch when its handler starts; it then waits for its client to leave.
    let watchStarted = DispatchSemaphore(value: 0)

    init(_ configure: (inout HTTPServerConfiguration) -> Void = { _ in }) throws {
        var configuration = HTTPServerConfiguration(port: 0, ioThreads: 2, workerThreads: 2)
        configure(&configuration)
        let recorder = self.recorder
        let (gateStarted, gate) = (self.gateStarted, self.gate)
        var router = Router()
        router.get("/hello") { _ in .text("hello") }
        router.post("/echo", maxBodyBytes: 1 << 20) { request in
            var headers: HTTPHeaders = ["X-Trailers": String(request.trailers.count)]
            headers.add(name: "X-Query", value: request.queryParameters["q"] ?? "")
            return HTTPResponse(status: .ok, headers: headers, body: request.body)
        }
        router.get("/items/{id}") { request in try .json(["id": request.pathParameter("id") ?? ""]) }
        router.get("/gate", cost: .pool("work")) { _ in
            gateStarted.signal()
            gate.wait()
            return .text("opened")
        }
        router.get("/heavy", cost: .pool("work")) { _ in .text("heavy") }
        router.post("/small", maxBodyBytes: 10) { request in HTTPResponse(body: request.body) }
        router.post("/json", maxBodyBytes: 1 << 20, accepts: .json) { request in HTTPResponse(body: request.body) }
        router.get("/other", cost: .pool("other")) { _ in .text("other") }
        router.get("/counted", cost: .pool("work")) { _ in
            recorder.ran.value.add(1, ordering: .relaxed)
            return .text("counted")
        }
        let watchStarted = self.watchStarted
        router.get("/watch", cost: .pool("other")) { request in
            watchStarted.signal()
            let deadline = ContinuousClock.now + .seconds(5)
            while request.clientIsConnected && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.01) }
            if !request.clientIsConnected { recorder.sawClientGone.value.store(1, ordering: .relaxed) }
            return .text("watched")
        }
        router.get("/fail") { _ in throw CocoaError(.fileNoSuchFile) }
        router.get("/problem") { _ in
            throw HTTPProblem(.unprocessableContent, "steps over limit", extensions: ["field": .string("steps"), "limit": .int(64)])
        }
        router.get("/stream") { request in
            let pieces = Int(request.queryParameters["pieces"] ?? "") ?? 4
            let size = Int(request.queryParameters["size"] ?? "") ?? 1_000
            let produced = Counter()
            return HTTPResponse(stream: HTTPBodyStream {
                guard produced.value.add(1, ordering: .relaxed).newValue <= pieces else { return nil }
                recorder.pulled.value.add(1, ordering: .relaxed)
                return [UInt8](repeating: 0x61, count: size)
            })
        }
        server = HTTPServer(configuration: configuration, router: router) { event in recorder.events.withLock { $0.append(event) } }
        port = try server.start()
    }

    func stop() {
        server.shutdown()
        server.wait()
    }

    /// The request log lines seen so far, as (method, path, status).
    var requestLog: [(String, String, Int)] {
        recorder.events.withLock { $0 }.compactMap {
            if case .request(let m, let p, _, let s, _) = $0 { (m, p, s) } else { nil }
        }
    }

    /// The route pattern of each logged request, as (path, route).
    var routeLog: [(String, String?)] {
        recorder.events.withLock { $0 }.compactMap {
            if case .request(_, let p, let r, _, _) = $0 { (p, r) } else { nil }
        }
    }
}

/// What the server's logger and stream bodies report to the test.
final class Recorder: Sendable {
    let events = Mutex<[HTTPLogEvent]>([])
    /// Pieces pulled so far from /stream bodies.
    let pulled = Counter()
    /// Runs of the /counted handler.
    let ran = Counter()
    /// 1 once a /watch handler saw its client gone.
    let sawClientGone = Counter()
}

final class Counter: Sendable {
    let value = Atomic<Int>(0)
}
