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

    /// A `tasks --json` row: counts by outcome, times in epoch ms, percentiles in seconds (null when nothing ran).
    static func taskStatistics(_ row: TaskStatistics) -> [String: Any] {
        func percentiles(_ value: DurationPercentiles?) -> Any {
            guard let value else { return NSNull() }
            return ["p50": seconds(value.p50), "p95": seconds(value.p95), "p99": seconds(value.p99), "samples": value.samples]
        }
        var counts: [String: Any] = [:]
        for outcome in TaskOutcome.allCases { counts[outcome.rawValue] = row.counts[outcome] }
        return [
            "group": row.group, "name": row.name, "running": row.running, "total": row.total, "counts": counts,
            "firstSeenMs": row.firstSeenMillis as Any? ?? NSNull(), "lastSeenMs": row.lastSeenMillis as Any? ?? NSNull(),
            "runTimeSeconds": percentiles(row.runTime), "queueWaitSeconds": percentiles(row.queueWait),
        ]
    }

    /// A duration in seconds.
    static func circuit(_ snapshot: CircuitSnapshot) -> [String: Any] {
        [
            "name": snapshot.name, "state": snapshot.phase.rawValue, "hold": snapshot.hold?.rawValue ?? NSNull(),
            "consecutiveFailures": snapshot.consecutiveFailures, "trips": snapshot.trips, "probesInFlight": snapshot.probesInFlight,
            "openedAt": snapshot.openedAtMillis.map(Format.timestamp) ?? NSNull(), "openedMillis": snapshot.openedAtMillis ?? NSNull(),
            "closesAt": snapshot.closesAtMillis.map(Format.timestamp) ?? NSNull(), "closesMillis": snapshot.closesAtMillis ?? NSNull(),
        ]
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// What `result --json` prints when no record is stored: `state` is `pending` or `unknown`.
    static func resultLookup(id: String, group: String, state: String) -> [String: Any] {
        ["id": id, "group": group, "state": state]
    }

    static func readyJob(_ job: PeekedJob, now: Int64) -> [String: Any] {
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

    /// A live worker as `workers --json` prints it; ages are measured from `now` (epoch milliseconds).
    static func workerHeartbeat(_ heartbeat: WorkerHeartbeat, now: Int64) -> [String: Any] {
        [
            "id": heartbeat.id,
            "host": heartbeat.host,
            "pid": heartbeat.pid,
            "startedAt": Format.timestamp(heartbeat.startedMillis),
            "startedMillis": heartbeat.startedMillis,
            "concurrency": heartbeat.concurrency,
            "busySlots": heartbeat.busySlots,
            "groups": heartbeat.groups,
            "jobIDs": heartbeat.jobIDs,
            "lastBeatAt": Format.timestamp(heartbeat.beatMillis),
            "lastBeatMillis": heartbeat.beatMillis,
            "lastBeatAgeMillis": max(0, now.subtractingSaturated(heartbeat.beatMillis)),
            "expiresAfterMillis": heartbeat.expiresAfterMillis,
        ]
    }
}
