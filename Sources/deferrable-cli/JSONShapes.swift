import Deferrable
import DeferrableRedis
import Foundation

/// The JSON objects printed by `--json`. Times are ISO 8601 strings plus `…Millis` epoch numbers.
enum JSONShapes {
    /// The arguments as JSON (or the raw text when they do not parse).
    static func arguments(_ bytes: [UInt8]) -> Any {
        (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]))
            ?? String(decoding: bytes, as: UTF8.self)
    }

    static func envelope(_ envelope: JobEnvelope) -> [String: Any] {
        [
            "id": envelope.id,
            "name": envelope.name,
            "group": envelope.group,
            "args": arguments(envelope.argsJSON),
            "attempts": envelope.attempts,
            "maxAttempts": envelope.maxAttempts,
            "firstPushedAt": Format.timestamp(envelope.firstPushedAt),
            "lastPushedAt": Format.timestamp(envelope.lastPushedAt),
            "notBefore": envelope.notBefore.map(Format.timestamp) as Any? ?? NSNull(),
            "ttlMillis": envelope.ttlMillis as Any? ?? NSNull(),
            "timeLimitMillis": envelope.timeLimitMillis as Any? ?? NSNull(),
            "metadata": envelope.metadata,
        ]
    }

    static func errorRecord(_ record: ErrorRecord) -> [String: Any] {
        [
            "type": record.type,
            "message": record.message,
            "attempts": record.attempts,
            "host": record.host,
            "at": Format.timestamp(record.at),
            "atMillis": record.at,
        ]
    }

    static func deadJobSummary(_ dead: DeadJob) -> [String: Any] {
        [
            "id": dead.id,
            "name": dead.envelope?.name as Any? ?? NSNull(),
            "failedAt": Format.timestamp(dead.error.at),
            "attempts": dead.error.attempts,
            "errorType": dead.error.type,
            "message": dead.error.message,
            "bytes": dead.payload.count,
        ]
    }

    static func deadJob(_ dead: DeadJob) -> [String: Any] {
        var object: [String: Any] = [
            "id": dead.id,
            "bytes": dead.payload.count,
            "error": errorRecord(dead.error),
        ]
        if let envelope = dead.envelope {
            object["envelope"] = self.envelope(envelope)
        } else {
            object["envelope"] = NSNull()
            object["payload"] = String(decoding: dead.payload, as: UTF8.self)
        }
        return object
    }

    /// What `result --json` prints when no record is stored: `state` is `pending` or `unknown`.
    static func resultLookup(id: String, group: String, state: String) -> [String: Any] {
        ["id": id, "group": group, "state": state]
    }

    static func readyJob(_ job: ReadyJob, now: Int64) -> [String: Any] {
        guard let envelope = job.envelope else {
            return ["id": job.id, "bytes": job.payload.count, "envelope": NSNull()]
        }
        let runnable = envelope.notBefore ?? envelope.lastPushedAt
        return [
            "id": job.id,
            "name": envelope.name,
            "args": arguments(envelope.argsJSON),
            "attempts": envelope.attempts,
            "maxAttempts": envelope.maxAttempts,
            "runnableAt": Format.timestamp(runnable),
            "waitingMillis": max(0, now - runnable),
            "bytes": job.payload.count,
        ]
    }
}
