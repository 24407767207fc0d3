import Deferrable

/// A peek into one group's main queue: the next runnable jobs in the order they will be taken, paginated.
struct QueuePage: Sendable {
    let source: DashboardSource
    let paths: DashboardPaths

    /// The most characters of arguments shown per job.
    static let argumentsLength = 120

    func render(group: String, page: Pagination) async throws -> HTML {
        let backend = try source.backend(group: group)
        let stats = try await backend.queue.stats()
        let summary: HTML = """
            <p>Group <a href="\(paths.url(.tasks, group: group))">\(group)</a>: \(stats.available) ready, \(stats.delayed) delayed, \
            \(stats.inFlight) in flight, <a href="\(paths.url(.errors, group: group))">\(stats.errors) in the error queue</a>.</p>
            """
        guard let inspector = backend.inspector else { return "\(summary)\(Unsupported.note("Queue inspection"))" }
        let jobs = try await inspector.peekReady(offset: page.offset, limit: page.limit)
        let rows: [HTML] = jobs.enumerated().map { index, job in row(job, position: page.offset + index + 1) }
        let table: HTML =
            jobs.isEmpty
            ? "<p class=\"muted\">No runnable jobs\(page.offset > 0 ? " on this page" : "").</p>"
            : """
            <table id="queue"><thead><tr><th class="n">#</th><th>Job id</th><th>Job</th><th class="n">Attempts</th>\
            <th>Runnable since</th><th class="n">Size</th><th>Arguments</th></tr></thead><tbody>\(rows)</tbody></table>
            """
        return """
            \(summary)\(table)
            \(Pager.links(paths, .queue, group: group, page: page, shown: jobs.count, total: stats.available))
            """
    }

    private func row(_ job: PeekedJob, position: Int) -> HTML {
        guard let envelope = job.envelope else {
            return """
                <tr><td class="n">\(position)</td><td><code>\(job.id)</code></td><td class="muted">(not a valid envelope)</td>\
                <td></td><td></td><td class="n">\(job.payload.count)</td><td></td></tr>
                """
        }
        return """
            <tr><td class="n">\(position)</td><td><code>\(job.id)</code></td><td>\(envelope.name)</td>\
            <td class="n">\(envelope.attempts) / \(envelope.maxAttempts)</td>\
            <td class="time">\(DisplayFormat.time(millis: envelope.notBefore ?? envelope.lastPushedAt))</td>\
            <td class="n">\(job.payload.count)</td>\
            <td><code>\(DisplayFormat.truncated(String(decoding: envelope.argsJSON, as: UTF8.self), to: Self.argumentsLength))</code></td></tr>
            """
    }
}
