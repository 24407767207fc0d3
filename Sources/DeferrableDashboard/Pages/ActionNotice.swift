/// What an action did, passed to the page it redirects to as `?notice=` (only these fixed texts are ever shown, so a
/// link cannot put text of its own on the page).
enum ActionNotice: String, Sendable, CaseIterable {
    case requeued
    case deleted
    case requeuedAll = "requeued-all"
    case purged
    case missing
    case notAnEnvelope = "not-an-envelope"

    /// The sentence shown; `count` for the actions on many entries.
    func message(count: Int?) -> String {
        switch self {
        case .requeued: "The entry was moved back to the queue."
        case .deleted: "The entry was deleted."
        case .requeuedAll: "\(count ?? 0) entries were moved back to the queue."
        case .purged: "\(count ?? 0) entries were deleted."
        case .missing: "There is no such entry (it may have been requeued or deleted already)."
        case .notAnEnvelope: "The entry's payload is not a valid envelope, so it cannot run; it stays in the error queue."
        }
    }
}
