/// The answer of an operation that returns nothing (an empty body, or `{}`).
struct SQSNoOutput: Decodable, Sendable {}
