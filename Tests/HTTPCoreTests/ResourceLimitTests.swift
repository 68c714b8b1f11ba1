import Foundation
import Testing
@testable import HTTPCore

/// The body budget, the CPU quota and the worker pool, without sockets.
struct ResourceLimitTests {
    @Test func budgetGivesExactlyItsCapacity() {
        let budget = BodyBudget(capacity: 100)
        #expect(budget.reserve(60))
        #expect(budget.reserve(40))
        #expect(!budget.reserve(1))
        budget.release(40)
        #expect(!budget.reserve(41))
        #expect(budget.reserve(40))
        #expect(budget.reservedBytes == 100)
    }

    @Test func reservationReturnsItsBytesWhenFreed() {
        let budget = BodyBudget(capacity: 100)
        var reservation: BodyReservation? = BodyReservation(budget: budget)
        let grew = [reservation?.grow(to: 30), reservation?.grow(to: 100), reservation?.grow(to: 101)]
        #expect(grew == [true, true, false])
        #expect(reservation?.reservedBytes == 100)
        reservation = nil
        #expect(budget.reservedBytes == 0)
    }

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

    @Test func poolFreesWhatAJobCapturedOnceItRan() {
        let pool = WorkerPool(name: "test", limits: WorkQueueLimits(threads: 1, capacity: 4))
        let done = DispatchSemaphore(value: 0)
        weak var weakPayload: Payload?
        do {
            let payload = Payload()
            weakPayload = payload
            let accepted = pool.trySubmit {
                _ = payload
                done.signal()
            }
            #expect(accepted)
        }
        done.wait()
        // The next job can only start once the first one's slot was taken and released.
        let second = pool.trySubmit { done.signal() }
        #expect(second)
        done.wait()
        pool.stop()
        #expect(weakPayload == nil)
    }

    @Test func poolQueuesUpToCapacityBesidesBusyThreads() {
        let pool = WorkerPool(name: "test", limits: WorkQueueLimits(threads: 1, capacity: 2))
        let gate = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        let running = pool.trySubmit {
            started.signal()
            gate.wait()
        }
        started.wait()
        let queued = [pool.trySubmit {}, pool.trySubmit {}, pool.trySubmit {}]
        #expect(running)
        #expect(queued == [true, true, false])
        gate.signal()
        pool.stop()
    }
}

/// Something a job captures, to see when the pool lets go of it.
private final class Payload: Sendable {}
