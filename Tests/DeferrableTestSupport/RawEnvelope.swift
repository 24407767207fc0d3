import Deferrable
import Foundation

/// The bytes of a valid envelope for job `name` in `group` with the raw arguments JSON `args` (3 attempts, first
/// pushed now), for tests that write queue entries directly, bypassing `later()`.
public func rawEnvelope(id: String, name: String, group: String, args: String = #"{"text":"hi"}"#) -> [UInt8] {
    EnvelopeCodec.encode(
        JobEnvelope(
            id: id, name: name, group: group, argsJSON: Array(args.utf8), maxAttempts: 3,
            firstPushedAt: Int64(Date().timeIntervalSince1970 * 1000)))
}
