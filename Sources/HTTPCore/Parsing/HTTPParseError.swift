/// Why a request was refused while parsing; every case maps to one status and closes the connection.
public enum HTTPParseError: Error, Hashable, Sendable, CustomStringConvertible {
    case bareCarriageReturn
    case bareLineFeed
    case invalidRequestLine
    case invalidMethod
    case invalidTarget
    case targetTooLong(length: Int, limit: Int)
    case requestLineTooLong(limit: Int)
    case invalidVersion
    case unsupportedVersion(major: Int, minor: Int)
    case headersTooLarge(limit: Int)
    case tooManyHeaders(limit: Int)
    case obsoleteLineFolding
    case whitespaceBeforeColon
    case missingColon
    case invalidFieldName
    case controlCharacterInField(byte: UInt8)
    case missingHost
    case duplicateHost
    case contentLengthWithTransferEncoding
    case invalidContentLength
    case conflictingContentLength
    case transferEncodingInHTTP10
    case chunkedNotLast
    case unknownTransferCoding(String)
    case unsupportedExpectation(String)
    case bodyTooLarge(length: Int, limit: Int)
    case invalidChunkSize
    case invalidChunkExtension
    case missingChunkTerminator

    /// The response status: 400 unless the RFC names a more specific one.
    public var status: HTTPStatus {
        switch self {
        case .targetTooLong, .requestLineTooLong: return .uriTooLong
        case .unsupportedVersion: return .httpVersionNotSupported
        case .headersTooLarge, .tooManyHeaders: return .requestHeaderFieldsTooLarge
        case .unknownTransferCoding: return .notImplemented
        case .unsupportedExpectation: return .expectationFailed
        case .bodyTooLarge: return .contentTooLarge
        default: return .badRequest
        }
    }

    /// The problem detail sent to the client; it names the rule, never server internals.
    public var description: String {
        switch self {
        case .bareCarriageReturn: return "CR not followed by LF"
        case .bareLineFeed: return "LF not preceded by CR"
        case .invalidRequestLine: return "malformed request line"
        case .invalidMethod: return "method is not a token"
        case .invalidTarget: return "request target is empty or contains invalid characters"
        case .targetTooLong(let length, let limit): return "request target is \(length) bytes, limit \(limit)"
        case .requestLineTooLong(let limit): return "request line exceeds \(limit) bytes"
        case .invalidVersion: return "malformed HTTP version"
        case .unsupportedVersion(let major, let minor): return "HTTP/\(major).\(minor) is not supported"
        case .headersTooLarge(let limit): return "request head exceeds \(limit) bytes"
        case .tooManyHeaders(let limit): return "more than \(limit) header fields"
        case .obsoleteLineFolding: return "obsolete line folding"
        case .whitespaceBeforeColon: return "whitespace between field name and colon"
        case .missingColon: return "header line without colon"
        case .invalidFieldName: return "field name is not a token"
        case .controlCharacterInField(let byte): return "control character 0x\(String(byte, radix: 16)) in field value"
        case .missingHost: return "HTTP/1.1 request without Host"
        case .duplicateHost: return "more than one Host field"
        case .contentLengthWithTransferEncoding: return "both Content-Length and Transfer-Encoding"
        case .invalidContentLength: return "invalid Content-Length"
        case .conflictingContentLength: return "conflicting Content-Length values"
        case .transferEncodingInHTTP10: return "Transfer-Encoding in an HTTP/1.0 request"
        case .chunkedNotLast: return "chunked is not the final transfer coding"
        case .unknownTransferCoding(let coding): return "unsupported transfer coding \(coding)"
        case .unsupportedExpectation(let value): return "unsupported expectation \(value)"
        case .bodyTooLarge(let length, let limit): return "body of \(length) bytes exceeds limit \(limit)"
        case .invalidChunkSize: return "invalid chunk size"
        case .invalidChunkExtension: return "invalid chunk extension"
        case .missingChunkTerminator: return "chunk data not followed by CRLF"
        }
    }
}
