/// Sends messages with `SendMessageBatch`: in order, up to 10 per request and within the size limit per request.
/// Entries SQS refuses for its own reasons (throttling, a server fault) are sent again with the retry policy's
/// backoff; an entry refused as the sender's fault fails the push.
struct SQSBatchSender: Sendable {
    let client: SQSClient
    let retry: SQSRetryPolicy

    func send(_ messages: [SQSClient.OutgoingMessage], to url: String, sizeLimit: Int) async throws {
        var start = messages.startIndex
        while start < messages.endIndex {
            var end = start
            var bytes = 0
            while end < messages.endIndex, end - start < SQSClient.batchLimit {
                let size = SQSJobMessage.size(of: messages[end])
                guard end == start || bytes + size <= sizeLimit else { break }
                bytes += size
                end += 1
            }
            try await sendBatch(Array(messages[start..<end]), to: url)
            start = end
        }
    }

    private func sendBatch(_ batch: [SQSClient.OutgoingMessage], to url: String) async throws {
        var pending = batch
        var attempt = 1
        while true {
            let refusals = try await client.send(batch: pending, to: url).sorted { $0.index < $1.index }
            guard let first = refusals.first else { return }
            if let fault = refusals.first(where: \.senderFault) ?? (attempt >= retry.maxAttempts ? first : nil) {
                throw SQSError.service(
                    operation: "SendMessageBatch", code: fault.code, message: fault.message, status: fault.senderFault ? 400 : 500)
            }
            pending = refusals.map { pending[$0.index] }
            try await retry.pause(after: attempt)
            attempt += 1
        }
    }
}
