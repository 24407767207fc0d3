/// An HTTP request as Signature Version 4 sees it: method, host, path, query, headers and body.
struct SignableRequest: Sendable {
    var method: String
    var host: String
    /// The path, not yet percent-encoded (`/` for SQS's JSON protocol).
    var path: String
    /// Query parameters, not yet percent-encoded, in any order.
    var query: [(name: String, value: String)]
    /// Headers other than `Host`, `X-Amz-Date`, `X-Amz-Security-Token` and `Authorization` (the signer adds them).
    var headers: [(name: String, value: String)]
    var body: [UInt8]
}
