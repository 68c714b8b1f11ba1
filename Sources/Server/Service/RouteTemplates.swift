/// Maps a request path to the route template it matched, for metric labels: the number of
/// series stays bounded whatever paths clients send.
enum RouteTemplates {
    /// Every route template of the service.
    static let all = [
        "/healthz", "/readyz", "/metrics", "/v1/keys", "/v1/pogo/bundles", "/v1/pogo/bundles/{id}",
        "/v1/poq/scores", "/v1/attestations/verify", "/v1/finalize",
    ]

    private static let split: [[Substring]] = all.map { $0.split(separator: "/", omittingEmptySubsequences: false) }

    /// The template `path` matches, or "other" (unknown paths and unparsable requests).
    static func template(for path: String) -> String {
        let parts = path.split(separator: "?", maxSplits: 1).first.map {
            $0.split(separator: "/", omittingEmptySubsequences: false)
        } ?? []
        for (index, segments) in split.enumerated() where segments.count == parts.count {
            let matches = zip(segments, parts).allSatisfy { segment, part in
                segment.hasPrefix("{") ? !part.isEmpty : segment == part
            }
            if matches { return all[index] }
        }
        return "other"
    }
}
