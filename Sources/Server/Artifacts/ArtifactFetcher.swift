#if canImport(Glibc)
internal import Glibc
#endif
internal import CCurl
internal import Foundation
internal import Synchronization

/// Fetches artifacts over HTTP(S) with libcurl: whole bodies,
/// or single byte ranges with Range requests, within `FetchConfiguration`'s limits.
///
/// Every connection, redirects included, goes through an open-socket callback that sees the
/// resolved address libcurl is about to connect to and refuses non-public addresses unless
/// allowlisted; checking there (not on the host name) defeats DNS rebinding. A server that
/// ignores Range and answers 200 is streamed from the start, bytes before the range are
/// discarded and the transfer stops at the range's end; a range ending beyond `maxBytes` is
/// refused (`rangeNotHonoured`), so such a server never costs more than `maxBytes` of transfer.
///
/// Each fetch uses its own easy handle and state, so one fetcher serves many threads. Handles
/// go back to the fetcher's pool after a transfer (options reset, connections kept), so the
/// many range reads of a leaf-only verification reuse their HTTP connections instead of
/// opening one each. A reused connection is one this fetcher's address check already passed.
public struct ArtifactFetcher: Sendable {
    public let configuration: FetchConfiguration
    private let pool = EasyHandlePool()

    public init(configuration: FetchConfiguration = FetchConfiguration()) {
        self.configuration = configuration
    }

    /// The whole body at `url`, of at most `maxBytes` when given and smaller than the
    /// configuration's `maxBytes` (else `tooLarge`), through this fetcher's pool.
    public func fetch(_ url: String, maxBytes: Int? = nil) throws(FetchError) -> [UInt8] {
        var limited = configuration
        if let maxBytes { limited.maxBytes = min(limited.maxBytes, maxBytes) }
        return try perform(url, range: nil, configuration: limited)
    }

    /// The bytes `range` of the body at `url`; fewer when the body ends first (HTTP 206 with a
    /// shorter range). Requires a non-empty range.
    public func fetch(_ url: String, range: Range<Int>) throws(FetchError) -> [UInt8] {
        precondition(!range.isEmpty && range.lowerBound >= 0, "Requires a non-empty range")
        return try perform(url, range: range, configuration: configuration)
    }

    /// One transfer under `c`: this fetcher's configuration, or a call's tighter one.
    private func perform(_ url: String, range: Range<Int>?, configuration c: FetchConfiguration) throws(FetchError) -> [UInt8] {
        guard CurlGlobal.initialized else { throw .transfer(code: -1, message: "curl_global_init failed") }
        guard let handle = pool.take() else { throw .transfer(code: -1, message: "curl_easy_init failed") }
        defer { pool.give(handle) }
        let state = TransferState(configuration: c, range: range)
        let user = Unmanaged.passUnretained(state).toOpaque()
        var setup = ccurl_setopt_string(handle, CURLOPT_URL, url)
        for (option, value) in [
            (CURLOPT_NOSIGNAL, 1), (CURLOPT_FOLLOWLOCATION, 1), (CURLOPT_MAXREDIRS, c.maxRedirects),
            (CURLOPT_CONNECTTIMEOUT_MS, Int(c.connectTimeout.wholeMilliseconds)),
            (CURLOPT_TIMEOUT_MS, Int(c.totalTimeout.wholeMilliseconds)),
        ] where setup == CURLE_OK {
            setup = ccurl_setopt_long(handle, option, value)
        }
        for (option, value) in [
            (CURLOPT_PROTOCOLS_STR, FetchConfiguration.protocols), (CURLOPT_REDIR_PROTOCOLS_STR, FetchConfiguration.protocols),
            // No proxy from the environment: the address check must see the real peer.
            (CURLOPT_PROXY, ""), (CURLOPT_RANGE, range.map(TransferState.spec)), (CURLOPT_CAINFO, c.caFile),
        ] where setup == CURLE_OK {
            if let value { setup = ccurl_setopt_string(handle, option, value) }
        }
        if setup == CURLE_OK, range == nil { setup = ccurl_setopt_offset(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(c.maxBytes)) }
        for option in [CURLOPT_WRITEDATA, CURLOPT_HEADERDATA, CURLOPT_OPENSOCKETDATA] where setup == CURLE_OK {
            setup = ccurl_setopt_pointer(handle, option, user)
        }
        if setup == CURLE_OK { setup = ccurl_setopt_write_function(handle, Self.onBody) }
        if setup == CURLE_OK { setup = ccurl_setopt_header_function(handle, Self.onHeader) }
        if setup == CURLE_OK { setup = ccurl_setopt_opensocket_function(handle, Self.onOpenSocket) }
        guard setup == CURLE_OK else { throw Self.transferError(setup) }

        let code = withExtendedLifetime(state) { curl_easy_perform(handle) }
        if code != CURLE_OK {
            if let failure = state.failure { throw failure }
            if !state.rangeComplete { throw Self.mapError(code, url: url, state: state, configuration: c) }
        }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        if status != 200, status != 206 { throw .httpStatus(status) }
        return state.body
    }

    private static func mapError(_ code: CURLcode, url: String, state: TransferState, configuration: FetchConfiguration) -> FetchError {
        switch code {
        case CURLE_COULDNT_CONNECT where state.refused != nil: state.refused!
        case CURLE_OPERATION_TIMEDOUT: .timeout(limitMs: Int(configuration.totalTimeout.wholeMilliseconds))
        case CURLE_TOO_MANY_REDIRECTS: .tooManyRedirects(limit: configuration.maxRedirects)
        case CURLE_UNSUPPORTED_PROTOCOL: .schemeNotAllowed(url: url)
        case CURLE_FILESIZE_EXCEEDED: .tooLarge(limit: configuration.maxBytes)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CONNECT_ERROR:
            .tls(message: String(cString: curl_easy_strerror(code)))
        default: state.refused ?? transferError(code)
        }
    }

    private static func transferError(_ code: CURLcode) -> FetchError {
        .transfer(code: Int(code.rawValue), message: String(cString: curl_easy_strerror(code)))
    }

    private static let onBody: ccurl_data_callback = { data, size, count, user in
        let state = Unmanaged<TransferState>.fromOpaque(user!).takeUnretainedValue()
        let n = size * count
        return state.receive(UnsafeRawBufferPointer(start: data, count: n)) ? n : 0
    }

    private static let onHeader: ccurl_data_callback = { data, size, count, user in
        let state = Unmanaged<TransferState>.fromOpaque(user!).takeUnretainedValue()
        let n = size * count
        state.header(String(decoding: UnsafeRawBufferPointer(start: data, count: n), as: UTF8.self))
        return n
    }

    private static let onOpenSocket: ccurl_opensocket_callback = { user, _, address in
        let state = Unmanaged<TransferState>.fromOpaque(user!).takeUnretainedValue()
        guard let address, let peer = peer(ccurl_sockaddr(address), length: Int(ccurl_sockaddr_length(address))),
              state.permits(peer.address, port: peer.port)
        else { return CURL_SOCKET_BAD }
        return socket(address.pointee.family, address.pointee.socktype | Int32(SOCK_CLOEXEC.rawValue), address.pointee.protocol)
    }

    /// The address and port of an AF_INET or AF_INET6 socket address of `length` bytes.
    static func peer(_ sa: UnsafePointer<sockaddr>?, length: Int) -> (address: IPAddress, port: Int)? {
        guard let sa else { return nil }
        let raw = UnsafeRawPointer(sa)
        switch Int32(sa.pointee.sa_family) {
        case AF_INET where length >= MemoryLayout<sockaddr_in>.size:
            let v4 = raw.loadUnaligned(as: sockaddr_in.self)
            let b = withUnsafeBytes(of: v4.sin_addr) { Array($0) }
            return (IPAddress(ipv4: b[0], b[1], b[2], b[3]), Int(UInt16(bigEndian: v4.sin_port)))
        case AF_INET6 where length >= MemoryLayout<sockaddr_in6>.size:
            let v6 = raw.loadUnaligned(as: sockaddr_in6.self)
            return (IPAddress(bytes: withUnsafeBytes(of: v6.sin6_addr) { Array($0) }), Int(UInt16(bigEndian: v6.sin6_port)))
        default:
            return nil
        }
    }
}

/// Idle libcurl easy handles of one fetcher. libcurl keeps a connection cache per easy handle;
/// `curl_easy_reset` clears the options (and with them the pointers to a finished transfer's
/// state) but keeps the cache. At most `capacity` handles wait; more are cleaned up.
final class EasyHandlePool: Sendable {
    /// An easy handle (`CURL *`), only ever used by one transfer at a time.
    private struct Handle: @unchecked Sendable {
        let raw: UnsafeMutableRawPointer
    }

    private let idle = Mutex<[Handle]>([])
    private let capacity = 8

    /// An idle handle, else a new one (nil when libcurl cannot allocate one).
    func take() -> UnsafeMutableRawPointer? {
        idle.withLock { $0.popLast()?.raw } ?? curl_easy_init()
    }

    /// Returns `handle` after its transfer.
    func give(_ handle: UnsafeMutableRawPointer) {
        curl_easy_reset(handle)
        let kept = idle.withLock { handles in
            guard handles.count < capacity else { return false }
            handles.append(Handle(raw: handle))
            return true
        }
        if !kept { curl_easy_cleanup(handle) }
    }

    deinit {
        for handle in idle.withLock({ $0 }) { curl_easy_cleanup(handle.raw) }
    }
}

/// libcurl's process-wide initialisation, run once before the first transfer (thread-safe:
/// Swift initialises a static property exactly once).
enum CurlGlobal {
    static let initialized: Bool = ccurl_global_init() == CURLE_OK
}
