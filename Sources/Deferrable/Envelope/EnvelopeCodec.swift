import Foundation

/// Encodes and decodes ``JobEnvelope`` to and from its JSON wire format.
///
/// Encoding is hand-written (the arguments are spliced in as raw JSON, the output is byte-stable);
/// decoding checks the version and every required field and reports a typed ``EnvelopeError``.
public enum EnvelopeCodec {
    /// Encodes an envelope as one JSON object.
    public static func encode(_ envelope: JobEnvelope) -> [UInt8] {
        var writer = JSONWriter(capacity: 192 + envelope.argsJSON.count)
        writer.beginObject()
        writer.field("v", JobEnvelope.currentVersion)
        writer.field("id", envelope.id)
        writer.field("name", envelope.name)
        writer.field("group", envelope.group)
        writer.key("args")
        writer.raw(envelope.argsJSON)
        writer.field("attempts", envelope.attempts)
        writer.field("maxAttempts", envelope.maxAttempts)
        writer.field("firstPushedAt", envelope.firstPushedAt)
        writer.field("lastPushedAt", envelope.lastPushedAt)
        writer.field("notBefore", ifPresent: envelope.notBefore)
        writer.field("ttl", ifPresent: envelope.ttlMillis)
        writer.field("timeLimit", ifPresent: envelope.timeLimitMillis)
        writer.key("metadata")
        writer.beginObject()
        for key in envelope.metadata.keys.sorted() {
            writer.field(key, envelope.metadata[key] ?? "")
        }
        writer.endObject()
        writer.key("backoff")
        writer.beginObject()
        writer.field("kind", envelope.backoff.kind.rawValue)
        writer.field("ms", envelope.backoff.millis)
        writer.endObject()
        writer.endObject()
        return writer.bytes
    }

    /// Decodes an envelope, or throws an ``EnvelopeError`` saying what is wrong with it.
    /// - Parameter maxSize: payloads larger than this many bytes are refused with ``EnvelopeError/tooLarge(size:limit:)``.
    public static func decode(_ bytes: [UInt8], maxSize: Int = .max) throws(EnvelopeError) -> JobEnvelope {
        guard bytes.count <= maxSize else { throw .tooLarge(size: bytes.count, limit: maxSize) }
        let args: ArraySlice<UInt8>
        do {
            guard let found = try JSONTopLevelScanner.rawValue(ofKey: "args", in: bytes) else {
                throw EnvelopeError.invalidField("args")
            }
            args = found
        } catch let error as EnvelopeError {
            throw error
        } catch {
            throw .notJSON("not a well-formed JSON object")
        }
        let header: EnvelopeHeader
        do {
            header = try JSONDecoder().decode(EnvelopeHeader.self, from: Data(bytes))
        } catch let DecodingError.keyNotFound(key, _) {
            throw .invalidField(key.stringValue)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw .invalidField(context.codingPath.map(\.stringValue).joined(separator: "."))
        } catch let DecodingError.dataCorrupted(context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw path.isEmpty ? .notJSON(context.debugDescription) : .invalidField(path)
        } catch {
            throw .notJSON(String(describing: error))
        }
        guard header.v == JobEnvelope.currentVersion else { throw .unsupportedVersion(header.v) }
        guard !header.id.isEmpty else { throw .invalidField("id") }
        guard !header.name.isEmpty else { throw .invalidField("name") }
        guard header.attempts >= 0 else { throw .invalidField("attempts") }
        guard header.maxAttempts >= 1 else { throw .invalidField("maxAttempts") }
        if let ttl = header.ttl, ttl < 0 { throw .invalidField("ttl") }
        return JobEnvelope(
            id: header.id,
            name: header.name,
            group: header.group,
            argsJSON: Array(args),
            attempts: header.attempts,
            maxAttempts: header.maxAttempts,
            firstPushedAt: header.firstPushedAt,
            lastPushedAt: header.lastPushedAt,
            notBefore: header.notBefore,
            ttlMillis: header.ttl,
            metadata: header.metadata ?? [:],
            backoff: header.backoff ?? .exponential(),
            timeLimitMillis: header.timeLimit
        )
    }

    /// Reads only the id of a payload when that is possible, for labelling payloads that do not decode.
    static func bestEffortID(of bytes: [UInt8]) -> String? {
        guard let raw = try? JSONTopLevelScanner.rawValue(ofKey: "id", in: bytes),
            let text = String(bytes: raw, encoding: .utf8)
        else { return nil }
        return try? JSONDecoder().decode(String.self, from: Data(text.utf8))
    }
}

/// Every envelope field but the arguments, as `JSONDecoder` sees them.
private struct EnvelopeHeader: Decodable {
    var v: Int
    var id: String
    var name: String
    var group: String
    var attempts: Int
    var maxAttempts: Int
    var firstPushedAt: Int64
    var lastPushedAt: Int64
    var notBefore: Int64?
    var ttl: Int64?
    var timeLimit: Int64?
    var metadata: [String: String]?
    var backoff: Backoff?
}
