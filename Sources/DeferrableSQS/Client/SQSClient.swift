import AsyncHTTPClient
import Deferrable
import Foundation
import NIOCore
import NIOHTTP1

/// Calls SQS's JSON 1.0 protocol: each operation is a signed `POST /` with `X-Amz-Target: AmazonSQS.<Operation>`
/// and a JSON body, answered with JSON.
///
/// Throttling, HTTP 5xx and requests that got no answer are retried by ``SQSRetryPolicy``; every other failure is
/// an ``SQSError`` at once. The connections are async-http-client's pool.
struct SQSClient: Sendable {
    let http: HTTPClient
    let endpoint: SQSEndpoint
    let signer: SigV4Signer
    let retry: SQSRetryPolicy
    /// How long one attempt may take, beyond any long-polling wait it asks for.
    let requestTimeout: Duration
    /// The current time in seconds since 1970, for signatures.
    let secondsSinceEpoch: @Sendable () -> Int64

    /// The most bytes read of one answer (SQS answers are far smaller: ten messages of at most 1 MiB).
    static let maximumResponseBytes = 16 << 20

    init(
        http: HTTPClient, endpoint: SQSEndpoint, credentials: AWSCredentials, retry: SQSRetryPolicy,
        requestTimeout: Duration, secondsSinceEpoch: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.http = http
        self.endpoint = endpoint
        self.signer = SigV4Signer(credentials: credentials, region: endpoint.region, service: "sqs")
        self.retry = retry
        self.requestTimeout = requestTimeout
        self.secondsSinceEpoch = secondsSinceEpoch
    }

    /// Calls `operation` with `input` and decodes its answer.
    /// - Parameter waiting: how long SQS may hold the request (long polling), added to the attempt's timeout.
    /// - Throws: ``SQSError``.
    func call<Input: Encodable & Sendable, Output: Decodable & Sendable>(
        _ operation: String, _ input: Input, as output: Output.Type, waiting: Duration = .zero
    ) async throws -> Output {
        let body: [UInt8]
        do {
            body = Array(try JSONEncoder().encode(input))
        } catch {
            throw SQSError.invalidResponse(operation: operation, reason: "the request could not be encoded: \(error)")
        }
        let bytes = try await send(operation, body: body, timeout: requestTimeout + waiting)
        // An operation that returns nothing may answer with an empty body.
        let json = bytes.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D } ? Array("{}".utf8) : bytes
        do {
            return try JSONDecoder().decode(Output.self, from: Data(json))
        } catch {
            throw SQSError.invalidResponse(operation: operation, reason: "\(error)")
        }
    }

    /// Posts `body` as `operation`, retrying what is worth retrying; returns the body of the successful answer.
    private func send(_ operation: String, body: [UInt8], timeout: Duration) async throws -> [UInt8] {
        var attempt = 1
        while true {
            let failure: SQSError
            do {
                return try await attemptOnce(operation, body: body, timeout: timeout)
            } catch let error as SQSError {
                failure = error
            }
            guard attempt < retry.maxAttempts, Self.isRetryable(failure) else { throw failure }
            try await retry.pause(after: attempt)
            attempt += 1
        }
    }

    private static func isRetryable(_ error: SQSError) -> Bool {
        switch error {
        case .service(_, let code, _, let status): SQSRetryPolicy.isRetryable(status: status, code: code)
        case .transport: true
        case .invalidResponse, .invalidEndpoint: false
        }
    }

    private func attemptOnce(_ operation: String, body: [UInt8], timeout: Duration) async throws -> [UInt8] {
        let headers: [(name: String, value: String)] = [
            ("Content-Type", "application/x-amz-json-1.0"), ("X-Amz-Target", "AmazonSQS.\(operation)"),
        ]
        let signable = SignableRequest(
            method: "POST", host: endpoint.hostHeader, path: "/", query: [], headers: headers, body: body)
        let signed = signer.signingHeaders(for: signable, at: AWSTimestamp(secondsSinceEpoch: secondsSinceEpoch()))
        var request = HTTPClientRequest(url: endpoint.url)
        request.method = .POST
        for header in headers + signed { request.headers.add(name: header.name, value: header.value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let status: Int
        let answer: [UInt8]
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(max(0, timeout.wholeNanoseconds)))
            status = Int(response.status.code)
            answer = Array(buffer: try await response.body.collect(upTo: Self.maximumResponseBytes))
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw SQSError.transport(operation: operation, reason: "\(error)")
        }
        guard (200..<300).contains(status) else {
            let reported = SQSErrorAnswer(bytes: answer)
            throw SQSError.service(
                operation: operation, code: reported?.code ?? "HTTP\(status)", message: reported?.message ?? "",
                status: status)
        }
        return answer
    }
}
