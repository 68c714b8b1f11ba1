internal import Foundation
internal import HTTPCore
internal import Synchronization

/// Structured `key=value` log lines on stderr. Request lines are buffered and written by a
/// background thread at least every 100 ms (one write per batch, and never on an I/O thread,
/// where a slow stderr pipe would stall requests); other events are written at once.
final class StderrLog: Sendable {
    private let buffer = Mutex<[UInt8]>([])
    private let wake = DispatchSemaphore(value: 0)
    /// Held while writing, so batches taken by two threads reach stderr in the order taken.
    private let writing = Mutex(())

    init() {
        let thread = Thread { [self] in
            while true {
                _ = wake.wait(timeout: .now() + .milliseconds(100))
                flush()
            }
        }
        thread.name = "log-flush"
        thread.start()
    }

    /// A logger for `HTTPServer` writing one line per event. Request lines, one per request,
    /// are formatted byte by byte straight into the buffer.
    var httpLogger: HTTPLogger {
        { [self] event in
            if case .request(let method, let path, _, let status, let duration) = event {
                append(flushNow: false) {
                    Self.appendRequestLine(method: method, path: path, status: status, durationMs: duration / .milliseconds(1),
                                           to: &$0)
                }
                return
            }
            let (line, urgent) = Self.format(event)
            write(line, flushNow: urgent)
        }
    }

    /// Appends one line; writes it at once when `flushNow`, and wakes the writer thread early
    /// when 64 KiB are waiting.
    func write(_ line: String, flushNow: Bool = true) {
        append(flushNow: flushNow) { $0.append(contentsOf: line.utf8) }
    }

    /// Appends the bytes `line` writes, then a line feed, to the buffer; see `write`.
    private func append(flushNow: Bool, _ line: (inout [UInt8]) -> Void) {
        let size = buffer.withLock { b in
            line(&b)
            b.append(0x0A)
            return b.count
        }
        if flushNow {
            flush()
        } else if size >= 1 << 16 {
            wake.signal()
        }
    }

    func flush() {
        writing.withLock { _ in
            let pending: [UInt8] = buffer.withLock { b in
                let taken = b
                b.removeAll(keepingCapacity: true)
                return taken
            }
            Self.writeAll(pending)
        }
    }

    private static func writeAll(_ pending: [UInt8]) {
        pending.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = Foundation.write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }

    static func format(_ event: HTTPLogEvent) -> (String, urgent: Bool) {
        switch event {
        case .listening(let host, let port):
            return ("event=listening host=\(quoted(host)) port=\(port)", true)
        case .request(let method, let path, _, let status, let duration):
            var line: [UInt8] = []
            appendRequestLine(method: method, path: path, status: status, durationMs: duration / .milliseconds(1), to: &line)
            return (String(decoding: line, as: UTF8.self), false)
        case .handlerFailed(let method, let path, let error):
            return ("event=handler_failed method=\(quoted(method)) path=\(quoted(path)) error=\(quoted(error))", true)
        case .ioFailed(let error):
            return ("event=io_failed error=\(quoted(error))", true)
        case .shuttingDown(let open):
            return ("event=shutting_down open_connections=\(open)", true)
        case .stopped:
            return ("event=stopped", true)
        }
    }

    /// `event=request method=M path=P status=S duration_ms=D`, D in milliseconds rounded to
    /// the microsecond and written like a Swift `Double` (`0.012`, `3.0`).
    static func appendRequestLine(method: String, path: String, status: Int, durationMs: Double, to out: inout [UInt8]) {
        out.append(contentsOf: "event=request method=".utf8)
        appendQuoted(method, to: &out)
        out.append(contentsOf: " path=".utf8)
        appendQuoted(path, to: &out)
        out.append(contentsOf: " status=".utf8)
        appendDecimal(status, to: &out)
        out.append(contentsOf: " duration_ms=".utf8)
        let rounded = Int((max(0, min(durationMs, 1e12)) * 1000).rounded())
        appendDecimal(rounded / 1000, to: &out)
        out.append(0x2E)
        var fraction = rounded % 1000
        guard fraction != 0 else {
            out.append(0x30)
            return
        }
        var digits = 3
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        var divisor = digits == 3 ? 100 : digits == 2 ? 10 : 1
        while divisor > 0 {
            out.append(0x30 + UInt8(fraction / divisor % 10))
            divisor /= 10
        }
    }

    private static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        // Up to 15 bytes a String is stored inline: no allocation.
        out.append(contentsOf: String(value).utf8)
    }

    /// The value as is when it has no spaces, quotes, `=`, backslashes or controls, else
    /// double-quoted with `\\`, `\"` and `\n` escaped.
    static func quoted(_ value: String) -> String {
        var out: [UInt8] = []
        appendQuoted(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendQuoted(_ value: String, to out: inout [UInt8]) {
        let utf8 = value.utf8
        let plain = !utf8.isEmpty && utf8.allSatisfy { $0 > 0x20 && $0 != 0x22 && $0 != 0x3D && $0 != 0x5C && $0 != 0x7F }
        guard !plain else {
            out.append(contentsOf: utf8)
            return
        }
        out.append(0x22)
        for byte in utf8 {
            switch byte {
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
            default: out.append(byte)
            }
        }
        out.append(0x22)
    }
}
