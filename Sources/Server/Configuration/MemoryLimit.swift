internal import Foundation

/// The memory this process may use: the container's limit (cgroup v2 `memory.max`, or v1
/// `memory.limit_in_bytes`) when there is one, else the machine's (`MemTotal` of /proc/meminfo).
enum MemoryLimit {
    /// Bytes left to the rest of the process (HTTP buffers, the PoQ evaluator, the allocator's
    /// slack) when the re-execution memory defaults to the limit. 1 GiB.
    static let reservedBytes = 1 << 30

    /// The limit read from the files of this machine, or nil when none can be read.
    static func detect() -> Int? {
        let read = { (path: String) in try? String(contentsOfFile: path, encoding: .utf8) }
        return limit(cgroupV2: read("/sys/fs/cgroup/memory.max"), cgroupV1: read("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
                     meminfo: read("/proc/meminfo"))
    }

    /// The smallest of the limits the given file contents state; "max" (v2) and v1's huge
    /// "no limit" value state none.
    static func limit(cgroupV2: String?, cgroupV1: String?, meminfo: String?) -> Int? {
        var limits: [Int] = []
        for text in [cgroupV2, cgroupV1].compactMap({ $0 }) {
            if let bytes = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes > 0, bytes < 1 << 60 { limits.append(bytes) }
        }
        if let meminfo, let line = meminfo.split(separator: "\n").first(where: { $0.hasPrefix("MemTotal:") }) {
            let fields = line.split(separator: " ")
            if fields.count >= 3, fields[2] == "kB", let kibibytes = Int(fields[1]) { limits.append(kibibytes * 1024) }
        }
        return limits.min()
    }

    /// The default re-execution memory: the limit less `reservedBytes`, at least 256 MiB; 8 GiB
    /// less the reserve when no limit can be read.
    static func defaultReexecutionBytes(limit: Int?) -> Int {
        max(256 << 20, (limit ?? 8 << 30) - reservedBytes)
    }
}
