/// Writes response heads and chunk framing into a connection's output buffer.
enum ResponseEncoder {
    /// How the body after the head is delimited.
    enum Framing: Equatable {
        /// `Content-Length: n` (also for HEAD, where the body itself is left out).
        case length(Int)
        /// `Transfer-Encoding: chunked`, for streams to HTTP/1.1 clients.
        case chunked
        /// No length at all: the body ends when the connection closes (streams to HTTP/1.0 clients).
        case untilClose
        /// No body and no length field (1xx, 204 and 304).
        case none
    }

    static let continueLine: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
    private static let statusPrefix: [UInt8] = Array("HTTP/1.1 ".utf8)
    private static let contentLength: [UInt8] = Array("Content-Length: ".utf8)
    private static let chunkedLine: [UInt8] = Array("Transfer-Encoding: chunked\r\n".utf8)
    private static let closeLine: [UInt8] = Array("Connection: close\r\n".utf8)
    private static let keepAliveLine: [UInt8] = Array("Connection: keep-alive\r\n".utf8)
    static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)

    static func appendHead(status: HTTPStatus, headers: HTTPHeaders, date: [UInt8], framing: Framing,
                           keepAlive: Bool, version: HTTPVersion, to out: inout [UInt8]) {
        out.append(contentsOf: statusPrefix)
        appendDecimal(status.code, to: &out)
        out.append(0x20)
        out.append(contentsOf: status.reasonPhrase.utf8)
        out.append(contentsOf: [ByteClass.cr, ByteClass.lf])
        out.append(contentsOf: date)
        switch framing {
        case .length(let n):
            out.append(contentsOf: contentLength)
            appendDecimal(n, to: &out)
            out.append(contentsOf: [ByteClass.cr, ByteClass.lf])
        case .chunked:
            out.append(contentsOf: chunkedLine)
        case .untilClose, .none:
            break
        }
        if !keepAlive {
            out.append(contentsOf: closeLine)
        } else if version == .http1_0 {
            out.append(contentsOf: keepAliveLine)
        }
        headers.write(to: &out)
        out.append(contentsOf: [ByteClass.cr, ByteClass.lf])
    }

    /// Appends one chunk (`size-in-hex CRLF data CRLF`); requires a non-empty chunk.
    static func appendChunk(_ data: [UInt8], to out: inout [UInt8]) {
        out.append(contentsOf: String(data.count, radix: 16).utf8)
        out.append(contentsOf: [ByteClass.cr, ByteClass.lf])
        out.append(contentsOf: data)
        out.append(contentsOf: [ByteClass.cr, ByteClass.lf])
    }

    /// Whether a response with `status` carries no content by definition (RFC 9110 section 6.4.1).
    static func hasNoContent(_ status: HTTPStatus) -> Bool {
        status.code < 200 || status.code == 204 || status.code == 304
    }

    private static func appendDecimal(_ n: Int, to out: inout [UInt8]) {
        if n < 10 {
            out.append(UInt8(0x30 + n))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var v = n
        withUnsafeMutableBytes(of: &digits) { d in
            while v > 0 {
                d[count] = UInt8(0x30 + v % 10)
                v /= 10
                count += 1
            }
            for i in stride(from: count - 1, through: 0, by: -1) { out.append(d[i]) }
        }
    }
}
