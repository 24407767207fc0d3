import Deferrable

/// The live workers of the groups on one page of the group list, each worker once.
struct WorkersPage: Sendable {
    let source: DashboardSource
    let paths: DashboardPaths

    /// The most job ids shown per worker.
    static let listedJobs = 10

    func render(page: Pagination) async throws -> HTML {
        let groups = try await source.groups()
        let shown = Array(page.slice(groups))
        var workers: [String: WorkerHeartbeat] = [:]
        var supported = false
        for group in shown {
            guard let directory = try source.backend(group: group).workers else { continue }
            supported = true
            for heartbeat in try await directory.workers() { workers[heartbeat.id] = heartbeat }
        }
        let scope: HTML =
            "<p class=\"muted\">Workers of groups \(page.offset + (shown.isEmpty ? 0 : 1))–\(page.offset + shown.count) of \(groups.count).</p>"
        guard supported || shown.isEmpty else { return Unsupported.note("Worker heartbeats") }
        let sorted = workers.values.sorted { ($0.host, $0.startedMillis, $0.id) < ($1.host, $1.startedMillis, $1.id) }
        let rows: [HTML] = sorted.map(row)
        let table: HTML =
            sorted.isEmpty
            ? "<p class=\"muted\">No live workers.</p>"
            : """
            <table id="workers"><thead><tr><th>Host</th><th class="n">PID</th><th>Worker</th><th>Started</th>\
            <th class="n">Busy / concurrency</th><th>Groups</th><th>Running jobs</th><th>Last beat</th></tr></thead>\
            <tbody>\(rows)</tbody></table>
            """
        return """
            \(scope)\(table)
            \(Pager.links(paths, .workers, page: page, shown: shown.count, total: groups.count))
            """
    }

    private func row(_ worker: WorkerHeartbeat) -> HTML {
        let groups: [HTML] = worker.groups.map { "<a href=\"\(paths.url(.tasks, group: $0))\">\($0)</a> " }
        let jobs = worker.jobIDs.prefix(Self.listedJobs).joined(separator: ", ")
        let more = worker.jobIDs.count > Self.listedJobs ? " and \(worker.jobIDs.count - Self.listedJobs) more" : ""
        return """
            <tr><td>\(worker.host)</td><td class="n">\(Int(worker.pid))</td><td><code>\(worker.id)</code></td>\
            <td class="time">\(DisplayFormat.time(millis: worker.startedMillis))</td>\
            <td class="n">\(worker.busySlots) / \(worker.concurrency)</td><td>\(groups)</td>\
            <td><code>\(jobs)</code>\(more)</td><td class="time">\(DisplayFormat.time(millis: worker.beatMillis))</td></tr>
            """
    }
}
