/// Limits and policy of the artifact fetcher (docs/configuration-fetch.md); every field
/// documents its unit and default.
public struct FetchConfiguration: Sendable, Hashable {
    /// Time allowed to establish a connection (CURLOPT_CONNECTTIMEOUT_MS, whole milliseconds).
    /// Default 5 s.
    public var connectTimeout: Duration
    /// Time allowed for a whole transfer, redirects included (CURLOPT_TIMEOUT_MS, whole
    /// milliseconds). Default 60 s.
    public var totalTimeout: Duration
    /// Largest body in bytes, enforced while streaming: the transfer is aborted past it.
    /// A range read from a server that ignores Range may stream at most this many bytes
    /// (see `ArtifactFetcher`). Default 268,435,456 (256 MiB).
    public var maxBytes: Int
    /// Largest number of redirects followed (CURLOPT_MAXREDIRS); each target's scheme and
    /// connected address are checked again. Default 3.
    public var maxRedirects: Int
    /// Addresses exempt from the refusal of non-public addresses (loopback, private, ...),
    /// for operators who keep artifacts on private storage. Default empty.
    public var allowlist: [AllowlistEntry]
    /// PEM file of the certificate authorities trusted for `https` (CURLOPT_CAINFO), for
    /// storage behind a private CA; nil uses the system's bundle. Certificates and host names
    /// are always verified. Default nil.
    public var caFile: String?

    public init(
        connectTimeout: Duration = .seconds(5), totalTimeout: Duration = .seconds(60), maxBytes: Int = 1 << 30, maxRedirects: Int = 3,
        allowlist: [AllowlistEntry] = [], caFile: String? = nil
    ) {
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.maxBytes = maxBytes
        self.maxRedirects = maxRedirects
        self.allowlist = allowlist
        self.caFile = caFile
    }

    /// The schemes fetched and those a redirect may lead to, as libcurl's protocol list
    /// (CURLOPT_PROTOCOLS_STR, CURLOPT_REDIR_PROTOCOLS_STR): never `file`, which the verifier
    /// reads itself, only below its artifact root (`FileArtifactRoot`).
    static let protocols = "http,https"
}
