/// Why a fetch failed, with the offending value.
///
/// `description` is what a job's poller may read: it names the category of a refused address
/// (`loopback`, `private`, `metadata`, ...) but not the address a name resolved to, and quotes
/// nothing the artifact's server sent. `detail` adds those for the operator's log.
public enum FetchError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The URL's scheme is not fetched (or a redirect led to one that is not).
    case schemeNotAllowed(url: String)
    /// The connection would go to a refused address (resolved, so after DNS and redirects).
    case refusedAddress(address: String, category: IPAddress.Category)
    /// The body exceeded the byte limit.
    case tooLarge(limit: Int)
    /// The transfer took longer than a timeout (milliseconds).
    case timeout(limitMs: Int)
    /// More redirects than allowed.
    case tooManyRedirects(limit: Int)
    /// The final response had a status other than 200 or 206.
    case httpStatus(Int)
    /// A server ignored Range (answered 200) and the range ends beyond the bytes the fetcher
    /// may stream and discard.
    case rangeNotHonoured(rangeEnd: Int, limit: Int)
    /// A 206 answer whose Content-Range does not start where asked, or that sends too much.
    case rangeMismatch(requested: String, got: String)
    /// The TLS handshake failed: the certificate did not verify against the trusted CAs, did
    /// not name the host, or the CA file could not be read.
    case tls(message: String)
    /// Any other libcurl failure.
    case transfer(code: Int, message: String)

    public var description: String {
        switch self {
        case let .schemeNotAllowed(url): "scheme not allowed: \(url)"
        case let .refusedAddress(_, category): "refused to connect to a \(category.rawValue) address"
        case let .tooLarge(limit): "body larger than the limit of \(limit) bytes"
        case let .timeout(limitMs): "timed out (limit \(limitMs) ms)"
        case let .tooManyRedirects(limit): "more than \(limit) redirects"
        case let .httpStatus(code): "HTTP status \(code)"
        case let .rangeNotHonoured(end, limit): "server ignored Range and the range ends at byte \(end), beyond the \(limit)-byte limit"
        case let .rangeMismatch(requested, _): "asked for bytes \(requested), the server answered another range"
        case let .tls(message): "TLS failed: \(message)"
        case let .transfer(code, message): "transfer failed (curl \(code)): \(message)"
        }
    }

    /// `description` with the resolved address and the server's Content-Range, for the log.
    public var detail: String {
        switch self {
        case let .refusedAddress(address, category): "refused to connect to \(category.rawValue) address \(address)"
        case let .rangeMismatch(requested, got): "asked for bytes \(requested), server answered \(got)"
        default: description
        }
    }
}
