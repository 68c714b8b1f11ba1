internal import Foundation

/// The processors this process may use: the container's CPU quota (cgroup v2 `cpu.max`, or v1
/// `cpu.cfs_quota_us` / `cpu.cfs_period_us`) when there is one, else the online CPUs.
///
/// Thread-count defaults come from here: a pod limited to 2 CPUs on a 64-core node should run 2
/// busy threads of each kind, not 64.
public enum CPUQuota {
    /// The processors to size thread pools by, read from this machine's files once.
    public static let available: Int = {
        let read = { (path: String) in try? String(contentsOfFile: path, encoding: .utf8) }
        return processors(cgroupV2: read("/sys/fs/cgroup/cpu.max"),
                          cgroupV1Quota: read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us") ?? read("/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us"),
                          cgroupV1Period: read("/sys/fs/cgroup/cpu/cpu.cfs_period_us") ?? read("/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us"),
                          onlineCPUs: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }()

    /// The processors the given file contents allow: the quota divided by the period, rounded
    /// up, at least 1 and at most `onlineCPUs`; `onlineCPUs` (at least 1) when no quota is set.
    ///
    /// `cgroupV2` is the text of `cpu.max`, "QUOTA PERIOD" or "max PERIOD" (no limit); the v1
    /// quota is -1 when there is no limit. Malformed text counts as no quota.
    public static func processors(cgroupV2: String?, cgroupV1Quota: String?, cgroupV1Period: String?, onlineCPUs: Int) -> Int {
        let online = max(1, onlineCPUs)
        var quota: (Int, Int)?
        if let text = cgroupV2 {
            let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
            if fields.count == 2, let q = Int(fields[0]), let p = Int(fields[1]) { quota = (q, p) }
        } else if let q = cgroupV1Quota.flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }),
                  let p = cgroupV1Period.flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) {
            quota = (q, p)
        }
        guard let (q, p) = quota, q > 0, p > 0 else { return online }
        return min(online, max(1, (q + p - 1) / p))
    }
}
