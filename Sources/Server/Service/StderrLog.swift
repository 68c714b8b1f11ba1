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

    /// A logger for `HTTPServer` writing one line per event.
    var httpLogger: HTTPLogger {
        { [self] event in
            let (line, urgent) = Self.format(event)
            write(line, flushNow: urgent)
        }
    }

    /// Appends one line; writes it at once when `flushNow`, and wakes the writer thread early
    /// when 64 KiB are waiting.
    func write(_ line: String, flushNow: Bool = true) {
        let size = buffer.withLock { b in
            b.append(contentsOf: line.utf8)
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
        case .request(let method, let path, let status, let durationMs):
            let ms = (durationMs * 1000).rounded() / 1000
            return ("event=request method=\(quoted(method)) path=\(quoted(path)) status=\(status) duration_ms=\(ms)", false)
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

    /// The value as is when it has no spaces, quotes, `=`, backslashes or controls, else
    /// double-quoted with escapes.
    static func quoted(_ value: String) -> String {
        let plain = !value.isEmpty && value.utf8.allSatisfy { $0 > 0x20 && $0 != 0x22 && $0 != 0x3D && $0 != 0x5C && $0 != 0x7F }
        guard !plain else { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
