import Deferrable
import DeferrableDashboard
import DeferrableTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Dashboard pages")
struct DashboardPagesTests {
    @Test("the overview lists each group with its counts and links, and charts the last 8 hours")
    func overview() async throws {
        let harness = try DashboardHarness()
        try await harness.seedErrors(count: 2)
        let handle = try harness.deferrable.register("waiting") { (_: Int, _) in }
        try await handle.later(1)
        let group = harness.group
        let page = try await harness.withClient { try await $0.get("/") }
        #expect(page.status == .ok)
        #expect(page.body.contains("data-status=\"ok\""))
        #expect(page.body.contains("<tr data-group=\"\(group)\">"))
        #expect(page.body.contains("<td class=\"n\">1</td><td class=\"n\">0</td><td class=\"n\">0</td>"), "1 ready, 0 delayed, 0 in flight")
        #expect(page.body.contains("<a class=\"errors-link\" href=\"/groups/\(group)/errors\">2</a>"))
        #expect(page.body.contains("<svg class=\"chart\""))
        #expect(page.body.contains("2 processed, 2 failed"), "the bucket of the two failed runs")
        let row = try #require(page.body.split(separator: "\n").first { $0.contains("<tr data-group=\"\(group)\">") })
        #expect(!row.contains("n/a"), "the memory backend reports latency and workers")
        #expect(
            [" µs</td>", " ms</td>", " s</td>"].contains { row.contains($0) }
                || row.range(of: #"\d+[smh]( \d+[smh])?</td>"#, options: .regularExpression) != nil,
            "the latency of the ready job (its unit depends on how long the test machine took)")
    }

    @Test("the task page shows a row per job name with counts and percentiles")
    func tasks() async throws {
        let harness = try DashboardHarness()
        try await harness.seedErrors(name: "doomed", count: 3)
        let ok = try harness.deferrable.register("fine") { (_: Int, _) in }
        try await ok.later(1)
        _ = try await harness.deferrable.runOnce(waitingUpTo: .zero)
        let group = harness.group
        let page = try await harness.withClient { try await $0.get("/groups/\(group)/tasks") }
        #expect(page.status == .ok)
        #expect(
            page.body.contains(
                "<tr data-task=\"doomed\"><td>doomed</td><td class=\"n\">0</td><td class=\"n\">3</td><td class=\"n succeeded\">0</td><td class=\"n\">3</td>"
            ))
        #expect(
            page.body.contains(
                "<tr data-task=\"fine\"><td>fine</td><td class=\"n\">0</td><td class=\"n\">1</td><td class=\"n succeeded\">1</td>"))
        #expect(page.body.contains(" µs / "), "run-time percentiles")
    }

    @Test("the error queue lists entries with their error, and an entry shows its envelope and error record")
    func errorQueueAndEntry() async throws {
        let harness = try DashboardHarness()
        let ids = try await harness.seedErrors(name: "doomed", argument: "the-argument", message: "disk full", count: 2)
        let group = harness.group
        let list = try await harness.withClient { try await $0.get("/groups/\(group)/errors") }
        #expect(list.status == .ok)
        #expect(list.body.contains("<strong id=\"error-count\">2</strong>"))
        for id in ids { #expect(list.body.contains("<tr data-id=\"\(id)\">")) }
        #expect(list.body.contains("<code>ScriptedError</code>: disk full"))
        let entry = try await harness.withClient { try await $0.get("/groups/\(group)/errors/entry?id=\(ids[0])") }
        #expect(entry.status == .ok)
        #expect(entry.body.contains("<tr><th>Message</th><td><pre>disk full</pre></td></tr>"))
        #expect(entry.body.contains("<tr><th>Job</th><td>doomed</td></tr>"))
        #expect(entry.body.contains("<pre id=\"arguments\">&quot;the-argument&quot;</pre>"))
        #expect(entry.body.contains("<tr><th>Attempts</th><td>1 of 1</td></tr>"))
    }

    @Test("an entry that does not exist is 404, a missing id 400")
    func missingEntry() async throws {
        let harness = try DashboardHarness()
        let group = harness.group
        let (missing, noID) = try await harness.withClient { client in
            (try await client.get("/groups/\(group)/errors/entry?id=nope"), try await client.get("/groups/\(group)/errors/entry"))
        }
        #expect(missing.status == .notFound)
        #expect(missing.body.contains("data-status=\"error\""))
        #expect(noID.status == .badRequest)
    }

    @Test("live pages reload themselves at the configured interval; the error queue and refresh-less configurations do not")
    func refresh() async throws {
        let harness = try DashboardHarness(configuration: DashboardConfiguration(refreshSeconds: 7))
        let group = harness.group
        let (overview, errors) = try await harness.withClient { client in
            (try await client.get("/"), try await client.get("/groups/\(group)/errors"))
        }
        #expect(overview.body.contains("<meta http-equiv=\"refresh\" content=\"7\">"))
        #expect(!errors.body.contains("http-equiv=\"refresh\""))
        let still = try DashboardHarness(configuration: DashboardConfiguration(refreshSeconds: nil))
        let page = try await still.withClient { try await $0.get("/") }
        #expect(!page.body.contains("http-equiv=\"refresh\""))
    }

    @Test("an invalid group name is 404")
    func invalidGroup() async throws {
        let harness = try DashboardHarness()
        let page = try await harness.withClient { try await $0.get("/groups/a%7Bb/tasks") }
        #expect(page.status == .notFound)
    }

    @Test("the queue page peeks at the runnable jobs in order")
    func queue() async throws {
        let harness = try DashboardHarness()
        let handle = try harness.deferrable.register("thumbnail") { (_: String, _) in }
        let first = try await handle.later("a.png")
        let second = try await handle.later("b.png")
        let group = harness.group
        let page = try await harness.withClient { try await $0.get("/groups/\(group)/queue") }
        #expect(page.status == .ok)
        #expect(page.body.contains("2 ready, 0 delayed"))
        let firstRow = try #require(page.body.range(of: "<code>\(first.id)</code>"))
        let secondRow = try #require(page.body.range(of: "<code>\(second.id)</code>"))
        #expect(firstRow.lowerBound < secondRow.lowerBound)
        #expect(page.body.contains("<code>&quot;a.png&quot;</code>"))
    }

    @Test("the workers page lists the live workers of the groups")
    func workers() async throws {
        let harness = try DashboardHarness()
        let handle = try harness.deferrable.register("x") { (_: Int, _) in }
        try await handle.later(1)
        let directory = try #require(harness.deferrable.backend.workers)
        let now = SystemClock().nowMillis()
        try await directory.beat(
            WorkerHeartbeat(
                id: "w-1", host: "build-host", pid: 4242, startedMillis: now, concurrency: 4, busySlots: 1,
                groups: [harness.group], jobIDs: ["job-1"], beatMillis: now, expiresAfterMillis: 60_000))
        let page = try await harness.withClient { try await $0.get("/workers") }
        #expect(page.status == .ok)
        #expect(page.body.contains("<td>build-host</td><td class=\"n\">4242</td><td><code>w-1</code></td>"))
        #expect(page.body.contains("<td class=\"n\">1 / 4</td>"))
        #expect(page.body.contains("<code>job-1</code>"))
    }

    @Test("a backend without statistics shows them as not available")
    func unsupportedParts() async throws {
        let factory = PlainFactory()
        let dashboard = try Dashboard(factory: factory)
        let router = Router()
        dashboard.addRoutes(to: router)
        let (overview, tasks) = try await Application(router: router).test(.router) { client in
            let client = DashboardClient(client: client)
            return (try await client.get("/"), try await client.get("/groups/plain/tasks"))
        }
        #expect(overview.status == .ok)
        #expect(overview.body.contains("Task history: not available for this backend."))
        #expect(overview.body.contains("title=\"not available for this backend\">n/a</td>"))
        #expect(tasks.status == .ok)
        #expect(tasks.body.contains("Task statistics: not available for this backend."))
    }

    @Test("the dashboard mounts under a path of an application's router, beside the application's own routes")
    func mounted() async throws {
        let harness = try DashboardHarness(
            configuration: DashboardConfiguration(token: "0123456789abcdef-token"), mountPath: "/ops/jobs/")
        try await harness.seedErrors()
        let group = harness.group
        let router = Router()
        router.get("/health") { _, _ in "ok" }
        harness.dashboard.addRoutes(to: router, atPath: harness.mountPath)
        let (health, overview, locked) = try await Application(router: router).test(.router) { client in
            let client = DashboardClient(client: client)
            return (
                try await client.get("/health"),
                try await client.get("/ops/jobs", headers: [.authorization: "Bearer 0123456789abcdef-token"]),
                try await client.get("/ops/jobs/groups/\(group)/errors")
            )
        }
        #expect(health.status == .ok, "the token guards the dashboard's routes only")
        #expect(overview.status == .ok)
        #expect(overview.body.contains("href=\"/ops/jobs/groups/\(group)/errors\""))
        #expect(locked.status == .unauthorized)
    }
}

/// A backend factory over memory queues that offers none of the optional parts (statistics, workers, inspection).
struct PlainFactory: BackendFactory, GroupCatalog {
    let memory = MemoryBackendFactory()

    func makeBackend(group: String) throws -> any Backend {
        let backend = try memory.makeBackend(group: group)
        return PlainBackend(group: group, queue: backend.queue, errorQueue: backend.errorQueue)
    }

    func knownGroups() async throws -> [String] { ["plain"] }
}

/// A backend with the required parts only.
struct PlainBackend: Backend {
    let group: String
    let queue: any JobQueue
    let errorQueue: any ErrorQueue
}
