import Deferrable

/// Task statistics of one group: a row per job name with running jobs, runs by outcome, first and last seen, and
/// run-time and queue-wait percentiles over the recent window.
struct TasksPage: Sendable {
    let source: DashboardSource
    let paths: DashboardPaths

    func render(group: String, page: Pagination) async throws -> HTML {
        let backend = try source.backend(group: group)
        guard let statistics = backend.statistics else { return Unsupported.note("Task statistics") }
        let rows = try await statistics.statistics()
        let shown = page.slice(rows)
        let body: [HTML] = shown.map(row)
        return """
            <p>Group <a href="\(paths.url(.overview))">\(group)</a> · <a href="\(paths.url(.queue, group: group))">queue</a> · \
            <a href="\(paths.url(.errors, group: group))">errors</a>. Percentiles cover the last \
            \(TaskStatistics.recentWindowMinutes) minutes.</p>
            <table id="tasks"><thead><tr><th>Job</th><th class="n">Running</th><th class="n">Total</th>\
            <th class="n">Succeeded</th><th class="n">Failed</th><th class="n">Retried</th><th class="n">Expired</th>\
            <th class="n">Discarded</th><th class="n">Rescheduled</th><th class="n">Handed back</th>\
            <th class="n">Run p50 / p95 / p99</th><th class="n">Wait p50 / p95 / p99</th><th>First seen</th>\
            <th>Last seen</th></tr></thead><tbody>\(body)</tbody></table>
            \(Pager.links(paths, .tasks, group: group, page: page, shown: shown.count, total: rows.count))
            """
    }

    private func row(_ task: TaskStatistics) -> HTML {
        let counts = task.counts
        return """
            <tr data-task="\(task.name)"><td>\(task.name)</td><td class="n">\(task.running)</td>\
            <td class="n">\(task.total)</td><td class="n succeeded">\(counts.succeeded)</td><td class="n">\(counts.failed)</td>\
            <td class="n">\(counts.retried)</td><td class="n">\(counts.expired)</td><td class="n">\(counts.discarded)</td>\
            <td class="n">\(counts.rescheduled)</td><td class="n">\(counts.handedBack)</td>\
            <td class="n">\(Self.percentiles(task.runTime))</td><td class="n">\(Self.percentiles(task.queueWait))</td>\
            <td class="time">\(DisplayFormat.time(millis: task.firstSeenMillis))</td><td class="time">\(DisplayFormat.time(millis: task.lastSeenMillis))</td></tr>
            """
    }

    private static func percentiles(_ value: DurationPercentiles?) -> String {
        guard let value else { return "–" }
        return [value.p50, value.p95, value.p99].map(DisplayFormat.duration).joined(separator: " / ")
    }
}
