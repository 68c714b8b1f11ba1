/// Namespace for the HTTP/1.1 server library; the server itself lands with issue #2.
public enum HTTPCore {
    /// The HTTP version this library speaks.
    public static let version = "HTTP/1.1"
}
