import Deferrable

/// The human-readable lines of a stored result record, as `deferrable result` prints them.
enum ResultLines {
    /// Key and value pairs: the job, its terminal state and when it was reached, then the value, the error record,
    /// or the reason, whichever the state has.
    static func fields(_ record: JobResultRecord, now: Int64) -> [(String, String)] {
        var fields: [(String, String)] = [
            ("id", record.id), ("group", record.group), ("job", record.name), ("state", record.state.rawValue),
            ("finished", "\(Format.timestamp(record.finishedAt)) (\(Format.ago(record.finishedAt, now: now)))"),
        ]
        switch record.state {
        case .completed:
            if let notKept = record.notKept {
                fields.append(("not kept", notKeptText(notKept)))
            } else {
                fields.append(("value", record.valueJSON.map { String(decoding: $0, as: UTF8.self) } ?? "-"))
            }
        case .failed:
            if let error = record.error {
                fields += [
                    ("error", error.type), ("message", error.message), ("attempts", "\(error.attempts)"),
                    ("host", error.host.isEmpty ? "-" : error.host),
                ]
            }
            if let typed = record.typedError {
                fields.append(("typed error", "\(typed.name) \(String(decoding: typed.valueJSON, as: UTF8.self))"))
            }
        case .discarded:
            fields.append(("reason", record.reason ?? "-"))
        case .expired:
            fields.append(("reason", "its time to live passed before it ran"))
        }
        return fields
    }

    private static func notKeptText(_ notKept: JobResultRecord.NotKept) -> String {
        switch notKept {
        case .tooLarge(let size, let limit): "its value of \(Format.size(size)) was over the limit of \(Format.size(limit))"
        default: ResultNotKeptReason(notKept).description
        }
    }
}
