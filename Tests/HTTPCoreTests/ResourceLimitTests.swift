import Foundation
import Testing
@testable import HTTPCore

/// The body budget, the CPU quota and the worker pool, without sockets.
struct ResourceLimitTests {
    @Test(arguments: [
        ("200000 100000\n", nil as String?, nil as String?, 64, 2),
        ("150000 100000", nil, nil, 64, 2),
        ("50000 100000", nil, nil, 64, 1),
        ("max 100000\n", nil, nil, 64, 64),
        ("800000 100000", nil, nil, 4, 4),
        (nil, "300000\n", "100000\n", 64, 3),
        (nil, "-1\n", "100000\n", 64, 64),
        (nil, nil, nil, 16, 16),
        ("garbage", nil, nil, 8, 8),
        (nil, nil, nil, 0, 1),
    ])
    func readsProcessorsFromCgroupQuota(_ v2: String?, _ v1Quota: String?, _ v1Period: String?, _ online: Int, _ expected: Int) {
        #expect(CPUQuota.processors(cgroupV2: v2, cgroupV1Quota: v1Quota, cgroupV1Period: v1Period, onlineCPUs: online) == expected)
    }
}
