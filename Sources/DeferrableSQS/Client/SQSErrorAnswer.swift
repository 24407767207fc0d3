import Foundation

/// The body of an SQS error answer: `{"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "…"}`.
struct SQSErrorAnswer: Decodable {
    /// The error code without its namespace (`QueueDoesNotExist`).
    let code: String
    let message: String

    private enum CodingKeys: String, CodingKey {
        case type = "__type"
        case message
        case capitalMessage = "Message"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        code = type.split(separator: "#").last.map(String.init) ?? type
        message =
            try container.decodeIfPresent(String.self, forKey: .message)
            ?? container.decodeIfPresent(String.self, forKey: .capitalMessage) ?? ""
    }

    /// The error in `bytes`, or `nil` when they are not an SQS error answer.
    init?(bytes: [UInt8]) {
        guard let decoded = try? JSONDecoder().decode(Self.self, from: Data(bytes)) else { return nil }
        self = decoded
    }
}
