#if canImport(Glibc)
internal import Glibc
#endif
internal import Foundation

/// The mutable state of one transfer, reached from libcurl's C callbacks through their user
/// pointer. Owned by one fetch on one thread; never shared.
final class TransferState {
    let configuration: FetchConfiguration
    /// The requested range, nil for a whole-body fetch.
    let range: Range<Int>?
    var body: [UInt8] = []
    /// Status of the latest HTTP response header block (redirects reset it).
    var status: Int?
    var contentRange: String?
    /// Body bytes of a 200 answer to a range request seen so far (kept or discarded).
    var streamed = 0
    /// Set when the write callback stopped the transfer on purpose, with the reason.
    var failure: FetchError?
    /// Set when the write callback stopped a 200 answer once the range was complete.
    var rangeComplete = false
    /// The last connection refused by the address policy.
    var refused: FetchError?

    init(configuration: FetchConfiguration, range: Range<Int>?) {
        self.configuration = configuration
        self.range = range
    }

    /// Takes body bytes; returns false to abort the transfer.
    func receive(_ chunk: UnsafeRawBufferPointer) -> Bool {
        if let status, !(200..<300).contains(status) { return true }
        guard let range else {
            guard body.count + chunk.count <= configuration.maxBytes else {
                failure = .tooLarge(limit: configuration.maxBytes)
                return false
            }
            body += chunk
            return true
        }
        if status == 200 { return receiveIgnoringRange(chunk, range) }
        if status == 206, body.isEmpty, !checkContentRange(range) { return false }
        guard body.count + chunk.count <= range.count else {
            failure = .rangeMismatch(requested: Self.spec(range), got: "more than \(range.count) bytes")
            return false
        }
        body += chunk
        return true
    }

    /// A 200 answer to a range request: stream the body from its start, keep the bytes inside
    /// the range and stop at its end; refused when the range ends beyond `maxBytes`.
    private func receiveIgnoringRange(_ chunk: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        guard range.upperBound <= configuration.maxBytes else {
            failure = .rangeNotHonoured(rangeEnd: range.upperBound, limit: configuration.maxBytes)
            return false
        }
        let start = streamed, end = streamed + chunk.count
        streamed = end
        let lo = max(start, range.lowerBound), hi = min(end, range.upperBound)
        if lo < hi { body += UnsafeRawBufferPointer(rebasing: chunk[(lo - start)..<(hi - start)]) }
        if end >= range.upperBound {
            rangeComplete = true
            return false
        }
        return true
    }

    /// A 206 answer must say `bytes FIRST-LAST/TOTAL` with FIRST the requested start.
    private func checkContentRange(_ range: Range<Int>) -> Bool {
        let got = contentRange ?? "none"
        let parts = got.split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "/" })
        guard parts.count == 4, parts[0].lowercased() == "bytes", Int(parts[1]) == range.lowerBound,
              let last = Int(parts[2]), last < range.upperBound else {
            failure = .rangeMismatch(requested: Self.spec(range), got: got)
            return false
        }
        return true
    }

    /// Takes one header line: a status line starts a new response, Content-Range is kept.
    func header(_ line: String) {
        if line.hasPrefix("HTTP/") {
            let fields = line.split(separator: " ")
            status = fields.count >= 2 ? Int(fields[1]) : nil
            contentRange = nil
        } else if let colon = line.firstIndex(of: ":"), line[..<colon].lowercased() == "content-range" {
            contentRange = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// Whether libcurl may connect to `address`; records the refusal otherwise.
    func permits(_ address: IPAddress, port: Int) -> Bool {
        guard let category = address.category else { return true }
        if configuration.allowlist.contains(where: { $0.permits(address, port: port) }) { return true }
        let text = address.isIPv4 ? "\(address):\(port)" : "[\(address)]:\(port)"
        refused = .refusedAddress(address: text, category: category)
        return false
    }

    /// The libcurl range text "FIRST-LAST" (inclusive) of `range`.
    static func spec(_ range: Range<Int>) -> String { "\(range.lowerBound)-\(range.upperBound - 1)" }
}
