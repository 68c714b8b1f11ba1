internal import Foundation

/// Renews one job's lease every `interval` on a Dispatch timer until cancelled, so
/// a verification longer than the lease keeps its job.
final class LeaseHeartbeat: @unchecked Sendable {
    // Immutable after init; DispatchSource is thread-safe but not annotated Sendable.
    private let timer: any DispatchSourceTimer

    init(store: any JobStore, jobID: String, owner: String, interval: Duration, log: StderrLog) {
        timer = DispatchSource.makeTimerSource(queue: .global())
        let seconds = interval / .seconds(1)
        timer.schedule(deadline: .now() + seconds, repeating: seconds)
        timer.setEventHandler {
            do {
                if try !store.renew(id: jobID, owner: owner) {
                    log.event("lease_lost", ["job": jobID, "owner": owner])
                }
            } catch {
                log.event("lease_renew_failed", ["job": jobID, "error": "\(error)"])
            }
        }
        timer.resume()
    }

    func cancel() {
        timer.cancel()
    }
}
