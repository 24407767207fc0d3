/// Encodes and decodes ``JobEnvelope`` to and from its JSON wire format.
///
/// Encoding is hand-written (the arguments are spliced in as raw JSON, the output is byte-stable);
/// decoding checks the version and every required field and reports a typed ``EnvelopeError``.
public enum EnvelopeCodec {
    /// Encodes an envelope as one JSON object.
    public static func encode(_ envelope: JobEnvelope) -> [UInt8] {
        // A close estimate of the final size: an array that outgrows its reservation doubles its capacity, and a
        // queued job would then carry the unused part with it.
        let text = textBytes(of: envelope)
        var writer = JSONWriter(capacity: 256 + envelope.argsJSON.count + text + 8 * envelope.metadata.count)
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
        writer.field("resultTTL", ifPresent: envelope.resultTTLMillis)
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

    /// An upper bound of `encode(envelope).count`, found without encoding: every byte of text counted as its longest
    /// escape (`\u00XX`, 6 bytes), every number as 20 digits and a sign.
    static func maximumEncodedSize(_ envelope: JobEnvelope) -> Int {
        // 203 bytes of keys and punctuation, 9 numbers of up to 21 characters; 6 bytes of punctuation per metadata entry.
        512 + envelope.argsJSON.count + 6 * textBytes(of: envelope) + 6 * envelope.metadata.count
    }

    /// UTF-8 bytes of the envelope's texts before escaping: id, name, group, metadata keys and values, backoff kind.
    private static func textBytes(of envelope: JobEnvelope) -> Int {
        var count = envelope.id.utf8.count + envelope.name.utf8.count + envelope.group.utf8.count
        count += envelope.backoff.kind.rawValue.utf8.count
        for (key, value) in envelope.metadata { count += key.utf8.count + value.utf8.count }
        return count
    }

    /// Decodes an envelope, or throws an ``EnvelopeError`` saying what is wrong with it.
    ///
    /// Fields are read straight from the JSON text (no `JSONDecoder`: this is on every consumer's hot path);
    /// unknown fields are ignored; when a key appears twice the first value is used. Every numeric field must lie in
    /// its range in ``EnvelopeBounds``; the first one outside it is reported as ``EnvelopeError/invalidField(_:)``.
    /// - Parameter maxSize: payloads larger than this many bytes are refused with ``EnvelopeError/tooLarge(size:limit:)``.
    public static func decode(_ bytes: [UInt8], maxSize: Int = .max) throws(EnvelopeError) -> JobEnvelope {
        guard bytes.count <= maxSize else { throw .tooLarge(size: bytes.count, limit: maxSize) }
        var fields = EnvelopeFields()
        do {
            try JSONTopLevelScanner.forEachMember(of: bytes[...]) { key, value in fields.record(key: key, value: value) }
        } catch {
            throw .notJSON("not a well-formed JSON object")
        }
        guard let args = fields[.args] else { throw .invalidField("args") }
        let reader = FieldReader(fields: fields)
        let version = try reader.int(.v)
        guard version == Int64(JobEnvelope.currentVersion) else {
            throw .unsupportedVersion(Int(clamping: version))
        }
        let id = try reader.string(.id)
        let name = try reader.string(.name)
        guard !id.isEmpty, !id.utf8.contains(0) else { throw .invalidField("id") }
        guard !name.isEmpty else { throw .invalidField("name") }
        let envelope = JobEnvelope(
            id: id,
            name: name,
            group: try reader.string(.group),
            argsJSON: Array(args),
            attempts: Int(clamping: try reader.int(.attempts)),
            maxAttempts: Int(clamping: try reader.int(.maxAttempts)),
            firstPushedAt: try reader.int(.firstPushedAt),
            lastPushedAt: try reader.int(.lastPushedAt),
            notBefore: try reader.optionalInt(.notBefore),
            ttlMillis: try reader.optionalInt(.ttl),
            metadata: try reader.metadata(),
            backoff: try reader.backoff(),
            timeLimitMillis: try reader.optionalInt(.timeLimit),
            resultTTLMillis: try reader.optionalInt(.resultTTL)
        )
        if let field = EnvelopeBounds.fieldOutOfRange(in: envelope) { throw .invalidField(field) }
        return envelope
    }
}

/// An envelope field, named as on the wire.
private enum EnvelopeField: String, CaseIterable {
    case v, id, name, group, args, attempts, maxAttempts, firstPushedAt, lastPushedAt, notBefore, ttl, metadata
    case backoff, timeLimit, resultTTL

    /// Every field's name as UTF-8 bytes, in `allCases` order.
    static let names = allCases.map { Array($0.rawValue.utf8) }
    /// Every field, in `allCases` order (indexable without a lookup).
    static let all = allCases
}

/// The raw value text of each envelope field found (the first occurrence of a key wins; unknown keys are ignored).
private struct EnvelopeFields {
    private var values: [ArraySlice<UInt8>?] = Array(repeating: nil, count: EnvelopeField.names.count)

    mutating func record(key: ArraySlice<UInt8>, value: ArraySlice<UInt8>) {
        for (index, name) in EnvelopeField.names.enumerated() where name.count == key.count && name.elementsEqual(key) {
            if values[index] == nil { values[index] = value }
            return
        }
    }

    subscript(_ field: EnvelopeField) -> ArraySlice<UInt8>? {
        values[Self.index(of: field)]
    }

    private static func index(of field: EnvelopeField) -> Int {
        EnvelopeField.all.firstIndex(of: field)!
    }
}

/// Reads typed envelope fields from the scanned members, naming the field in every error.
private struct FieldReader {
    let fields: EnvelopeFields

    func int(_ field: EnvelopeField) throws(EnvelopeError) -> Int64 {
        guard let raw = fields[field], let value = try? JSONValueReader.int64(raw) else {
            throw .invalidField(field.rawValue)
        }
        return value
    }

    func optionalInt(_ field: EnvelopeField) throws(EnvelopeError) -> Int64? {
        guard let raw = fields[field], !JSONValueReader.isNull(raw) else { return nil }
        return try int(field)
    }

    func string(_ field: EnvelopeField) throws(EnvelopeError) -> String {
        guard let raw = fields[field], let value = try? JSONValueReader.string(raw) else {
            throw .invalidField(field.rawValue)
        }
        return value
    }

    func metadata() throws(EnvelopeError) -> [String: String] {
        guard let raw = fields[.metadata], !JSONValueReader.isNull(raw) else { return [:] }
        do {
            return try JSONTopLevelScanner.members(of: raw).mapValues { try JSONValueReader.string($0) }
        } catch {
            throw .invalidField("metadata")
        }
    }

    func backoff() throws(EnvelopeError) -> Backoff {
        guard let raw = fields[.backoff], !JSONValueReader.isNull(raw) else { return .exponential() }
        if let backoff = Self.writerShapedBackoff(raw) { return backoff }
        guard let members = try? JSONTopLevelScanner.members(of: raw),
            let kindRaw = members["kind"], let kindText = try? JSONValueReader.string(kindRaw),
            let kind = Backoff.Kind(rawValue: kindText),
            let millisRaw = members["ms"], let millis = try? JSONValueReader.int64(millisRaw), millis >= 0
        else { throw .invalidField("backoff") }
        return Backoff(kind: kind, millis: millis)
    }

    /// The exact shape ``EnvelopeCodec/encode(_:)`` writes, `{"kind":"…","ms":…}`, read without a member table; any
    /// other form goes the general way.
    private static func writerShapedBackoff(_ raw: ArraySlice<UInt8>) -> Backoff? {
        let head = #"{"kind":""#.utf8
        let middle = #"","ms":"#.utf8
        guard raw.starts(with: head), raw.last == UInt8(ascii: "}") else { return nil }
        let kindStart = raw.startIndex + head.count
        guard let kindEnd = raw[kindStart...].firstIndex(of: UInt8(ascii: "\"")),
            raw[kindEnd...].starts(with: middle),
            let kind = Backoff.Kind(rawValue: String(decoding: raw[kindStart..<kindEnd], as: UTF8.self)),
            let millis = try? JSONValueReader.int64(raw[(kindEnd + middle.count)..<(raw.endIndex - 1)]), millis >= 0
        else { return nil }
        return Backoff(kind: kind, millis: millis)
    }
}
