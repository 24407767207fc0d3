/// What the backend reads from SQS's answers about receipt handles.
extension SQSClient {
    /// Whether `error` says that a receipt handle no longer holds its message: it was deleted or purged, or its
    /// visibility lapsed (so the lease is lost).
    static func isLostLease(_ error: any Error) -> Bool {
        guard let code = (error as? SQSError)?.code else { return false }
        return lostLeaseCodes.contains { code.hasSuffix($0) }
    }

    /// Whether `error` is SQS refusing a visibility change that would end more than 12 hours after the message was
    /// received: the lease is still held, it just cannot be made longer.
    static func isVisibilityLimit(_ error: any Error) -> Bool {
        (error as? SQSError)?.code?.hasSuffix("InvalidParameterValue") == true
    }

    private static let lostLeaseCodes = [
        "ReceiptHandleIsInvalid", "InvalidReceiptHandle", "MessageNotInflight", "InvalidParameterValue",
    ]

    /// Deletes the received message; one that is already gone counts as deleted.
    func deleteIfPresent(_ receiptHandle: String, in url: String) async throws {
        do {
            try await delete(receiptHandle, in: url)
        } catch  where Self.isLostLease(error) {}
    }
}
