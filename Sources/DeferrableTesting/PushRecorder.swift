import Deferrable
import Synchronization

/// Records the push events of the instances it observes, in order.
final class PushRecorder: DeferrableObserver {
    private let jobs = Mutex<[PushedJob]>([])

    func handle(_ event: DeferrableEvent) async throws {
        guard event.kind == .push, let envelope = event.envelope else { return }
        let job = PushedJob(envelope)
        jobs.withLock { $0.append(job) }
    }

    var pushed: [PushedJob] { jobs.withLock { $0 } }

    func removeAll() {
        jobs.withLock { $0.removeAll() }
    }
}
