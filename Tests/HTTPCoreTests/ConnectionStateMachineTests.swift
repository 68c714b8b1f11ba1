import Testing
@testable import HTTPCore

/// The connection lifecycle without sockets: events in, states, deadlines and actions out.
/// Instants are nanoseconds of a made-up monotonic clock, as `Duration`s (`ns`).
struct ConnectionStateMachineTests {
    static let second = 1_000_000_000

    /// The instant `n` nanoseconds after the made-up clock's origin.
    static func ns(_ n: Int) -> Duration { .nanoseconds(n) }

    static func machine(minRate: Int = 1_000, now: Int = 0) -> ConnectionStateMachine {
        let configuration = HTTPServerConfiguration(headerTimeout: .seconds(10), requestTimeout: .seconds(60),
                                                    minBodyBytesPerSecond: minRate, bodyRateGracePeriod: .seconds(5),
                                                    idleTimeout: .seconds(30))
        return ConnectionStateMachine(timeouts: .init(configuration, linger: .seconds(2)), now: Self.ns(now))
    }

    @Test func closesIdleConnectionOnlyAfterIdleTimeout() {
        let m = Self.machine(now: 100)
        #expect(m.state == .idle(since: Self.ns(100)))
        #expect(m.timedOut(at: Self.ns(100 + 30 * Self.second)) == .none)
        #expect(m.timedOut(at: Self.ns(100 + 30 * Self.second + 1)) == .close)
    }

    @Test func answers408WhenHeadTakesLongerThanHeaderTimeout() {
        var m = Self.machine()
        m.bytesArrived(at: Self.ns(Self.second))
        m.bytesArrived(at: Self.ns(5 * Self.second))
        #expect(m.state == .readingHead(startedAt: Self.ns(Self.second)))
        #expect(m.timedOut(at: Self.ns(11 * Self.second)) == .none)
        #expect(m.timedOut(at: Self.ns(11 * Self.second + 1)) == .requestTimeout("request head not received in time"))
    }

    @Test func bodyArrivingAtMinimumRateIsKeptAndOneByteShortIsRefused() {
        var m = Self.machine(minRate: 1_000)
        m.bytesArrived(at: Self.ns(0))
        m.bodyAdmitted(at: Self.ns(Self.second))
        // 5 s grace, then 1,000 bytes per second: 3,000 bytes buy 3 s.
        m.bodyProgressed(to: 3_000)
        let deadline = 9 * Self.second
        #expect(m.deadline == Self.ns(deadline))
        #expect(m.timedOut(at: Self.ns(deadline)) == .none)
        #expect(m.timedOut(at: Self.ns(deadline + 1)) == .requestTimeout("request body arrives slower than 1000 bytes per second"))
        m.bodyProgressed(to: 2_999)
        #expect(m.deadline == Self.ns(deadline - 1_000_000))
    }

    @Test func tricklingBodyIsRefusedSoonAfterGracePeriod() {
        var m = Self.machine(minRate: 16_384)
        m.bytesArrived(at: Self.ns(0))
        m.bodyAdmitted(at: Self.ns(0))
        for second in 1...20 {
            m.bodyProgressed(to: second)
            if m.timedOut(at: Self.ns(second * Self.second)) != .none {
                #expect(second == 6)
                return
            }
        }
        Issue.record("a body of one byte per second was never refused")
    }

    @Test func fastBodyIsStillBoundByTotalRequestTimeout() {
        var m = Self.machine(minRate: 1_000)
        m.bytesArrived(at: Self.ns(0))
        m.bodyAdmitted(at: Self.ns(2 * Self.second))
        m.bodyProgressed(to: 1 << 30)
        #expect(m.deadline == Self.ns(60 * Self.second))
        #expect(m.timedOut(at: Self.ns(60 * Self.second)) == .none)
        #expect(m.timedOut(at: Self.ns(60 * Self.second + 1)) == .requestTimeout("request not received in time"))
    }

    @Test func minimumRateOfZeroLeavesOnlyTheTotalDeadline() {
        var m = Self.machine(minRate: 0)
        m.bytesArrived(at: Self.ns(0))
        m.bodyAdmitted(at: Self.ns(0))
        #expect(m.deadline == Self.ns(60 * Self.second))
    }

    @Test func keepAliveResponseReturnsToIdleOrToBufferedRequest() {
        var m = Self.machine()
        m.bytesArrived(at: Self.ns(1))
        m.responseQueued(at: Self.ns(2), keepAlive: true, mustDrain: false, requestBuffered: false)
        #expect(m.state == .idle(since: Self.ns(2)))
        m.bytesArrived(at: Self.ns(3))
        m.responseQueued(at: Self.ns(4), keepAlive: true, mustDrain: false, requestBuffered: true)
        #expect(m.state == .readingHead(startedAt: Self.ns(4)))
    }

    @Test func workerRequestWaitsWithoutDeadlineThenWrites() {
        var m = Self.machine()
        m.bytesArrived(at: Self.ns(1))
        m.handedToWorker()
        #expect(m.state == .waitingForWork)
        #expect(m.deadline == ConnectionStateMachine.never)
        #expect(!m.readsInput)
        #expect(m.evictionDeadline == nil)
        m.responseQueued(at: Self.ns(5), keepAlive: true, mustDrain: true, requestBuffered: false)
        #expect(m.state == .writing(since: Self.ns(5), closeAfter: false))
        m.outputProgressed(at: Self.ns(7))
        #expect(m.timedOut(at: Self.ns(7 + 30 * Self.second + 1)) == .close)
        let shut = m.outputDrained(at: Self.ns(9), requestBuffered: false)
        #expect(!shut)
        #expect(m.state == .idle(since: Self.ns(9)))
    }

    @Test func closingResponseLingersThenCloses() {
        var m = Self.machine()
        m.bytesArrived(at: Self.ns(1))
        m.responseQueued(at: Self.ns(2), keepAlive: false, mustDrain: false, requestBuffered: true)
        #expect(m.state == .writing(since: Self.ns(2), closeAfter: true))
        #expect(m.closesAfterOutput)
        let shut = m.outputDrained(at: Self.ns(3), requestBuffered: true)
        #expect(shut)
        #expect(m.state == .closing(until: Self.ns(3 + 2 * Self.second)))
        #expect(m.readsInput)
        #expect(m.timedOut(at: Self.ns(3 + 2 * Self.second + 1)) == .close)
    }

    @Test func clientLeavingWhileWorkerRunsClosesAtOnce() {
        var m = Self.machine()
        m.bytesArrived(at: Self.ns(1))
        m.handedToWorker()
        let closeNow = m.peerClosed(at: Self.ns(2), outputPending: false)
        #expect(closeNow)
        #expect(m.state == .closed)
    }

    @Test func clientHalfClosingFinishesPendingResponseFirst() {
        var m = Self.machine()
        m.bytesArrived(at: Self.ns(1))
        m.responseQueued(at: Self.ns(2), keepAlive: true, mustDrain: false, requestBuffered: false)
        let closeNow = m.peerClosed(at: Self.ns(3), outputPending: true)
        #expect(!closeNow)
        #expect(m.state == .writing(since: Self.ns(3), closeAfter: true))
        var idle = Self.machine()
        let idleCloses = idle.peerClosed(at: Self.ns(3), outputPending: false)
        #expect(idleCloses)
    }

    @Test func onlyIdleAndReadingConnectionsMayMakeRoom() {
        var m = Self.machine(now: 0)
        #expect(m.evictionDeadline == Self.ns(30 * Self.second))
        m.bytesArrived(at: Self.ns(1))
        #expect(m.evictionDeadline == Self.ns(1 + 10 * Self.second))
        m.responseQueued(at: Self.ns(2), keepAlive: true, mustDrain: true, requestBuffered: false)
        #expect(m.evictionDeadline == nil)
    }
}
