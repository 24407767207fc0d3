import Deferrable
import Testing

/// The stored result record's wire format (`docs/wire-format.md`).
@Suite("Result record codec")
struct JobResultRecordCodecTests {
    static let records: [JobResultRecord] = [
        JobResultRecord(id: "a", name: "n", group: "g", state: .completed, finishedAt: 1, valueJSON: Array(#"{"x":[1,2]}"#.utf8)),
        JobResultRecord(id: "b", name: "n", group: "g", state: .completed, finishedAt: 2, notKept: .tooLarge(size: 10, limit: 5)),
        JobResultRecord(id: "c", name: "n", group: "g", state: .completed, finishedAt: 3, notKept: .notEncodable(reason: "nan \"q\"")),
        JobResultRecord(
            id: "d", name: "n", group: "g", state: .failed, finishedAt: 4,
            error: ErrorRecord(type: "Boom", message: "line\nbreak", attempts: 3, host: "h", at: 4),
            typedError: .init(name: "App.Boom", valueJSON: Array(#"{"code":"x"}"#.utf8))),
        JobResultRecord(id: "e", name: "n", group: "g", state: .expired, finishedAt: 5),
        JobResultRecord(id: "g", name: "n", group: "g", state: .completed, finishedAt: 7, notKept: .noValue),
        JobResultRecord(id: "f", name: "n", group: "g", state: .discarded, finishedAt: 6, reason: "not needed"),
    ]

    @Test("every record shape round-trips", arguments: records)
    func roundTrip(record: JobResultRecord) throws {
        #expect(try JobResultRecordCodec.decode(JobResultRecordCodec.encode(record)) == record)
    }

    @Test("the documented shape of a completed record")
    func shape() {
        let bytes = JobResultRecordCodec.encode(Self.records[0])
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == #"{"v":1,"id":"a","name":"n","group":"g","state":"completed","at":1,"value":{"x":[1,2]}}"#)
    }

    @Test(
        "bad records are refused with the field named",
        arguments: [
            ("nope", JobResultRecordError.notJSON),
            (#"{"v":2,"id":"a","name":"n","group":"g","state":"completed","at":1}"#, .invalidField("v")),
            (#"{"v":1,"id":"a","name":"n","group":"g","state":"done","at":1}"#, .invalidField("state")),
            (#"{"v":1,"id":"a","name":"n","group":"g","state":"completed","at":-1}"#, .invalidField("at")),
            (#"{"v":1,"name":"n","group":"g","state":"completed","at":1}"#, .invalidField("id")),
            (#"{"v":1,"id":"a","name":"n","group":"g","state":"failed","at":1,"error":{"type":"t"}}"#, .invalidField("error.message")),
            (
                #"{"v":1,"id":"a","name":"n","group":"g","state":"completed","at":1,"notKept":{"reason":"x"}}"#,
                .invalidField("notKept.reason")
            ),
            (
                #"{"v":1,"id":"a","name":"n","group":"g","state":"completed","at":1,"notKept":{"reason":"tooLarge","size":-1,"limit":1}}"#,
                .invalidField("notKept.size")
            ),
        ])
    func refused(text: String, error: JobResultRecordError) {
        #expect(throws: error) { try JobResultRecordCodec.decode(Array(text.utf8)) }
    }
}
