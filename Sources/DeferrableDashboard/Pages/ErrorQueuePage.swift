import Deferrable

/// One group's error queue, oldest first and paginated, with requeue and delete buttons per entry and requeue-all
/// and purge for the whole queue when actions are allowed.
struct ErrorQueuePage: Sendable {
    let source: DashboardSource
    let paths: DashboardPaths
    let forms: ActionForms

    /// The most characters of an error message shown in the list.
    static let messageLength = 160

    func render(group: String, page: Pagination, notice: HTML) async throws -> HTML {
        let errorQueue = try source.backend(group: group).errorQueue
        let total = try await errorQueue.count()
        let entries = try await errorQueue.list(offset: page.offset, limit: page.limit)
        let rows: [HTML] = entries.map { row($0, group: group) }
        let table: HTML =
            entries.isEmpty
            ? "<p class=\"muted\" id=\"no-errors\">No entries\(page.offset > 0 ? " on this page" : "").</p>"
            : """
            <table id="errors"><thead><tr><th>Job id</th><th>Job</th><th>Error</th><th class="n">Attempts</th>\
            <th>Failed at</th><th>Host</th>\(forms.enabled ? "<th>Actions</th>" : .empty)</tr></thead>\
            <tbody>\(rows)</tbody></table>
            """
        let bulk: HTML =
            total > 0
            ? forms.bulk(
                group: group,
                [
                    (.requeueAll, "Requeue all \(total)", false), (.purge, "Delete all \(total)", true),
                ]) : .empty
        return """
            \(notice)<p>Group <a href="\(paths.url(.tasks, group: group))">\(group)</a>: <strong id="error-count">\(total)</strong> \
            entries in the error queue.</p>
            \(bulk)\(table)
            \(Pager.links(paths, .errors, group: group, page: page, shown: entries.count, total: total))
            """
    }

    private func row(_ entry: DeadJob, group: String) -> HTML {
        let name = entry.envelope?.name ?? "(not a valid envelope)"
        let actions: HTML =
            forms.enabled
            ? "<td class=\"actions\">\(forms.entry(group: group, id: entry.id, [(.requeue, "Requeue", false), (.delete, "Delete", true)]))</td>"
            : .empty
        return """
            <tr data-id="\(entry.id)"><td><a class="entry-link" href="\(paths.url(.errorEntry, group: group, query: [("id", entry.id)]))">\
            <code>\(DisplayFormat.truncated(entry.id, to: 40))</code></a></td><td>\(name)</td>\
            <td><code>\(entry.error.type)</code>: \(DisplayFormat.truncated(entry.error.message, to: Self.messageLength))</td>\
            <td class="n">\(entry.error.attempts)</td><td class="time">\(DisplayFormat.time(millis: entry.error.at))</td>\
            <td>\(entry.error.host)</td>\(actions)</tr>
            """
    }
}
