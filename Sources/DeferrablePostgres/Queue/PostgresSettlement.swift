import Deferrable
import Foundation
import NIOCore

/// The arguments of the `settle` function for one ``Settlement``.
struct PostgresSettlement {
    var mode: String
    /// The new payload (`requeue`: `nil` keeps the stored one; `dead`: the payload kept in the error queue).
    var payload: ByteBuffer?
    var delayMillis: Int64
    /// The error record's JSON (`dead` only).
    var error: ByteBuffer?
    var result: ByteBuffer?
    var resultTTLMillis: Int64?

    init(_ settlement: Settlement) throws {
        var stored: StoredResult?
        delayMillis = 0
        payload = nil
        error = nil
        switch settlement {
        case .complete(let result):
            mode = "complete"
            stored = result
        case .requeue(let newPayload, let delay):
            mode = "requeue"
            payload = newPayload.map { ByteBuffer(bytes: $0) }
            delayMillis = max(0, delay.wholeMilliseconds)
        case .deadLetter(let deadPayload, let record, let result):
            mode = "dead"
            payload = ByteBuffer(bytes: deadPayload)
            error = ByteBuffer(bytes: Array(try JSONEncoder().encode(record)))
            stored = result
        }
        result = stored.map { ByteBuffer(bytes: $0.record) }
        // Range-checked by `StoredResult`'s makers; at least 1 ms so that a record is never born expired.
        resultTTLMillis = stored.map { max(1, $0.ttl.wholeMilliseconds) }
    }
}
