/// Encodes and decodes ``JobResultRecord`` to and from its JSON wire format (`docs/wire-format.md`).
public enum JobResultRecordCodec {
    /// The wire-format version this library writes and reads.
    public static let currentVersion = 1

    /// Encodes a record as one JSON object; the value and a typed error's value are spliced in as raw JSON.
    public static func encode(_ record: JobResultRecord) -> [UInt8] {
        var writer = JSONWriter(capacity: 160 + (record.valueJSON?.count ?? 0) + (record.typedError?.valueJSON.count ?? 0))
        writer.beginObject()
        writer.field("v", currentVersion)
        writer.field("id", record.id)
        writer.field("name", record.name)
        writer.field("group", record.group)
        writer.field("state", record.state.rawValue)
        writer.field("at", record.finishedAt)
        if let value = record.valueJSON {
            writer.key("value")
            writer.raw(value)
        }
        switch record.notKept {
        case .tooLarge(let size, let limit):
            writer.key("notKept")
            writer.beginObject()
            writer.field("reason", "tooLarge")
            writer.field("size", size)
            writer.field("limit", limit)
            writer.endObject()
        case .notEncodable(let reason):
            writer.key("notKept")
            writer.beginObject()
            writer.field("reason", "notEncodable")
            writer.field("message", reason)
            writer.endObject()
        case .noValue:
            writer.key("notKept")
            writer.beginObject()
            writer.field("reason", "noValue")
            writer.endObject()
        case nil:
            break
        }
        if let error = record.error {
            writer.key("error")
            writer.beginObject()
            writer.field("type", error.type)
            writer.field("message", error.message)
            writer.field("attempts", error.attempts)
            writer.field("host", error.host)
            writer.field("at", error.at)
            writer.endObject()
        }
        if let typed = record.typedError {
            writer.key("typedError")
            writer.beginObject()
            writer.field("name", typed.name)
            writer.key("value")
            writer.raw(typed.valueJSON)
            writer.endObject()
        }
        if let reason = record.reason { writer.field("reason", reason) }
        writer.endObject()
        return writer.bytes
    }

    /// Decodes a record, or throws ``JobResultRecordError`` naming the first field that is missing or invalid.
    /// Unknown fields are ignored; times and counts must lie in the ranges of ``EnvelopeBounds``.
    public static func decode(_ bytes: [UInt8]) throws(JobResultRecordError) -> JobResultRecord {
        let members: [String: ArraySlice<UInt8>]
        do {
            members = try JSONTopLevelScanner.members(of: bytes[...])
        } catch {
            throw .notJSON
        }
        let fields = RecordFields(members: members, path: "")
        guard try fields.int("v") == Int64(currentVersion) else { throw .invalidField("v") }
        guard let state = JobResultRecord.State(rawValue: try fields.string("state")) else { throw .invalidField("state") }
        var record = JobResultRecord(
            id: try fields.string("id"), name: try fields.string("name"), group: try fields.string("group"), state: state,
            finishedAt: try fields.time("at"))
        record.valueJSON = members["value"].map(Array.init)
        if let notKept = try fields.object("notKept") {
            switch try notKept.string("reason") {
            case "tooLarge": record.notKept = .tooLarge(size: try notKept.count("size"), limit: try notKept.count("limit"))
            case "notEncodable": record.notKept = .notEncodable(reason: try notKept.string("message"))
            case "noValue": record.notKept = .noValue
            default: throw .invalidField("notKept.reason")
            }
        }
        if let error = try fields.object("error") {
            record.error = ErrorRecord(
                type: try error.string("type"), message: try error.string("message"), attempts: try error.count("attempts"),
                host: try error.string("host"), at: try error.time("at"))
        }
        if let typed = try fields.object("typedError") {
            guard let value = typed.members["value"] else { throw .invalidField("typedError.value") }
            record.typedError = JobResultRecord.TypedError(name: try typed.string("name"), valueJSON: Array(value))
        }
        if let reason = members["reason"], !JSONValueReader.isNull(reason) { record.reason = try fields.string("reason") }
        return record
    }
}

/// Why a stored result record could not be read.
public enum JobResultRecordError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes are not a JSON object.
    case notJSON
    /// A field is missing, of the wrong type, or out of range (dotted path for nested fields).
    case invalidField(String)

    public var description: String {
        switch self {
        case .notJSON: "the stored result is not a JSON object"
        case .invalidField(let field): "the stored result's field \(field) is missing or invalid"
        }
    }
}

/// Typed reads of one JSON object's members, naming the field (with its path) in every error.
private struct RecordFields {
    let members: [String: ArraySlice<UInt8>]
    let path: String

    private func raw(_ key: String) throws(JobResultRecordError) -> ArraySlice<UInt8> {
        guard let raw = members[key] else { throw .invalidField(path + key) }
        return raw
    }

    func string(_ key: String) throws(JobResultRecordError) -> String {
        guard let value = try? JSONValueReader.string(try raw(key)) else { throw .invalidField(path + key) }
        return value
    }

    func int(_ key: String) throws(JobResultRecordError) -> Int64 {
        guard let value = try? JSONValueReader.int64(try raw(key)) else { throw .invalidField(path + key) }
        return value
    }

    /// A time in ``EnvelopeBounds/time``.
    func time(_ key: String) throws(JobResultRecordError) -> Int64 {
        let value = try int(key)
        guard EnvelopeBounds.time.contains(value) else { throw .invalidField(path + key) }
        return value
    }

    /// A count: zero or more.
    func count(_ key: String) throws(JobResultRecordError) -> Int {
        let value = try int(key)
        guard value >= 0, let count = Int(exactly: value) else { throw .invalidField(path + key) }
        return count
    }

    /// A nested object, or `nil` when the key is absent or null.
    func object(_ key: String) throws(JobResultRecordError) -> RecordFields? {
        guard let raw = members[key], !JSONValueReader.isNull(raw) else { return nil }
        guard let nested = try? JSONTopLevelScanner.members(of: raw) else { throw .invalidField(path + key) }
        return RecordFields(members: nested, path: path + key + ".")
    }
}
