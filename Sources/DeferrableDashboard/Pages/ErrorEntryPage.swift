import Deferrable

/// One error-queue entry: its error record and its envelope (or the stored bytes when they are not a valid one).
struct ErrorEntryPage: Sendable {
    let source: DashboardSource
    let paths: DashboardPaths
    let forms: ActionForms

    /// The most payload bytes shown.
    static let shownBytes = 64 * 1024

    func render(group: String, id: String) async throws -> HTML {
        guard let entry = try await source.backend(group: group).errorQueue.entry(id: id) else {
            throw DashboardRequestError.notFound("There is no entry \(id) in the error queue of \(group).")
        }
        let error = entry.error
        let actions: HTML =
            forms.enabled ? forms.entry(group: group, id: id, [(.requeue, "Requeue", false), (.delete, "Delete", true)]) : .empty
        return """
            <p><a href="\(paths.url(.errors, group: group))">← error queue of \(group)</a></p>
            \(actions)
            <h2>Error</h2>
            <table id="error-record"><tbody>
            <tr><th>Type</th><td><code>\(error.type)</code></td></tr>
            <tr><th>Message</th><td><pre>\(error.message)</pre></td></tr>
            <tr><th>Attempts</th><td>\(error.attempts)</td></tr>
            <tr><th>Host</th><td>\(error.host)</td></tr>
            <tr><th>Failed at</th><td>\(DisplayFormat.time(millis: error.at))</td></tr>
            </tbody></table>
            <h2>Envelope</h2>
            \(envelope(entry))
            """
    }

    private func envelope(_ entry: DeadJob) -> HTML {
        guard let envelope = entry.envelope else {
            return """
                <p class="muted">The stored payload is not a valid envelope (\(entry.payload.count) bytes):</p>
                <pre>\(DisplayFormat.text(of: entry.payload, limit: Self.shownBytes))</pre>
                """
        }
        let metadata: [HTML] = envelope.metadata.sorted { $0.key < $1.key }.map { "<tr><th>\($0.key)</th><td>\($0.value)</td></tr>" }
        let optional: [(String, String?)] = [
            ("Not before", envelope.notBefore.map { DisplayFormat.time(millis: $0) }),
            ("TTL", envelope.ttlMillis.map { DisplayFormat.duration(.milliseconds($0)) }),
            ("Time limit", envelope.timeLimitMillis.map { DisplayFormat.duration(.milliseconds($0)) }),
            ("Result kept for", envelope.resultTTLMillis.map { DisplayFormat.duration(.milliseconds($0)) }),
        ]
        let optionalRows: [HTML] = optional.compactMap { label, value in value.map { "<tr><th>\(label)</th><td>\($0)</td></tr>" } }
        return """
            <table id="envelope"><tbody>
            <tr><th>Id</th><td><code>\(envelope.id)</code></td></tr>
            <tr><th>Job</th><td>\(envelope.name)</td></tr>
            <tr><th>Group</th><td>\(envelope.group)</td></tr>
            <tr><th>Attempts</th><td>\(envelope.attempts) of \(envelope.maxAttempts)</td></tr>
            <tr><th>First pushed</th><td>\(DisplayFormat.time(millis: envelope.firstPushedAt))</td></tr>
            <tr><th>Last pushed</th><td>\(DisplayFormat.time(millis: envelope.lastPushedAt))</td></tr>
            \(optionalRows)
            <tr><th>Arguments</th><td><pre id="arguments">\(DisplayFormat.text(of: envelope.argsJSON, limit: Self.shownBytes))</pre></td></tr>
            </tbody></table>
            \(metadata.isEmpty ? .empty : "<h2>Metadata</h2><table id=\"metadata\"><tbody>\(metadata)</tbody></table>")
            """
    }
}
