import Deferrable

/// The overview: every group (paginated) with its ready, delayed, in-flight and error counts, latency and workers,
/// and a chart of the runs that ended over the last 8 hours in the groups shown.
struct OverviewPage: Sendable {
    let source: DashboardSource
    let paths: DashboardPaths

    /// How many 10-minute buckets the chart shows: 8 hours.
    static let chartBuckets = 48

    func render(page: Pagination) async throws -> HTML {
        let groups = try await source.groups()
        let shown = Array(page.slice(groups))
        var rows: [HTML] = []
        var histories: [[HistoryBucket]] = []
        var historySupported = false
        for group in shown {
            let backend = try source.backend(group: group)
            let snapshot = try await GroupSnapshot.load(backend)
            rows.append(row(snapshot))
            if let statistics = backend.statistics {
                historySupported = true
                histories.append(try await statistics.history(name: nil, resolution: .tenMinutes, limit: Self.chartBuckets))
            }
        }
        let chart: HTML =
            historySupported
            ? HistoryChart(summing: histories).svg
            : Unsupported.note("Task history")
        let table: HTML =
            groups.isEmpty
            ? "<p class=\"muted\">No groups yet: a group appears once jobs are pushed to it or consumed from it.</p>"
            : """
            <table id="groups"><thead><tr><th>Group</th><th class="n">Ready</th><th class="n">Delayed</th>\
            <th class="n">In flight</th><th class="n">Errors</th><th class="n">Latency</th><th class="n">Workers</th>\
            <th>Pages</th></tr></thead><tbody>\(rows)</tbody></table>
            \(Pager.links(paths, .overview, page: page, shown: shown.count, total: groups.count))
            """
        return """
            <h2>Processed and failed, last 8 hours (10-minute buckets)</h2>
            \(chart)
            <h2>Groups</h2>
            \(table)
            """
    }

    private func row(_ snapshot: GroupSnapshot) -> HTML {
        let group = snapshot.group
        let stats = snapshot.stats
        return """
            <tr data-group="\(group)"><td><a href="\(paths.url(.tasks, group: group))">\(group)</a></td>\
            <td class="n">\(stats.available)</td><td class="n">\(stats.delayed)</td><td class="n">\(stats.inFlight)</td>\
            <td class="n"><a class="errors-link" href="\(paths.url(.errors, group: group))">\(stats.errors)</a></td>\
            \(Unsupported.cell(snapshot.latency) { $0.map(DisplayFormat.duration) ?? "–" })\
            \(Unsupported.cell(snapshot.workers) { String($0) })\
            <td><a href="\(paths.url(.tasks, group: group))">tasks</a> · <a href="\(paths.url(.queue, group: group))">queue</a> · \
            <a href="\(paths.url(.errors, group: group))">errors</a></td></tr>
            """
    }
}
