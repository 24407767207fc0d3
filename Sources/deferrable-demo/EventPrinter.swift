import Deferrable
import Foundation

/// Prints every event on one readable line.
struct EventPrinter: DeferrableObserver {
    func handle(_ event: DeferrableEvent) async throws {
        guard event.kind != .empty else { return }
        var line = "  • \(event.kind.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0))"
        if let job = event.job { line += " \(job.name) [\(job.id.prefix(8))]" }
        switch event.kind == .complete ? event.outcome : nil {
        case .retried(_, let attempt, let delay)?: line += " — attempt \(attempt) failed, retry in \(delay)"
        case .failed(_, let reason)?: line += " — \(reason)"
        case .expired?: line += " — past its TTL, not run"
        default: break
        }
        if event.kind == .retry, let envelope = event.envelope {
            line += " — attempts used: \(envelope.attempts)"
        }
        if event.kind == .error, let error = event.error {
            line += " — \(error.type): \(error.message) after \(error.attempts) attempt(s)"
        }
        print(line)
    }
}
