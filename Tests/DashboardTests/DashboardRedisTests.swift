import Deferrable
import DeferrableDashboard
import DeferrableTestSupport
import Foundation
import HTTPTypes
import Testing

/// The dashboard over a real Redis server (`REDIS_URL`): pages, escaping, an action and `/metrics`.
@Suite("Dashboard on Redis", .enabled(if: DashboardBackend.redis != nil, "needs REDIS_URL"))
struct DashboardRedisTests {
    static let payload = "\"><img src=x onerror=alert(1)>"

    func withHarness(_ body: (DashboardHarness) async throws -> Void) async throws {
        let harness = try DashboardHarness(backend: try #require(DashboardBackend.redis))
        do {
            try await body(harness)
        } catch {
            await harness.close()
            throw error
        }
        await harness.close()
    }

    @Test("every page renders the group, with job values escaped")
    func pages() async throws {
        try await withHarness { harness in
            let ids = try await harness.seedErrors(name: "job\(Self.payload)", argument: Self.payload, message: Self.payload, count: 2)
            let queued = try harness.deferrable.register("queued") { (_: String, _) in }
            try await queued.later(Self.payload)
            let group = harness.group
            let pages = try await harness.withClient { client in
                [
                    try await client.get("/"), try await client.get("/groups/\(group)/tasks"),
                    try await client.get("/groups/\(group)/queue"), try await client.get("/groups/\(group)/errors"),
                    try await client.get("/groups/\(group)/errors/entry?id=\(ids[0])"), try await client.get("/workers"),
                ]
            }
            for page in pages {
                #expect(page.status == .ok)
                #expect(page.body.contains("data-status=\"ok\""))
                #expect(!page.body.contains(Self.payload))
            }
            #expect(pages[0].body.contains("<a class=\"errors-link\" href=\"/groups/\(group)/errors\">2</a>"))
            #expect(pages[1].body.contains("<td class=\"n\">2</td><td class=\"n succeeded\">0</td><td class=\"n\">2</td>"))
            #expect(pages[2].body.contains(#"<code>&quot;\&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&quot;</code>"#))
            #expect(pages[3].body.contains("<strong id=\"error-count\">2</strong>"))
            #expect(pages[4].body.contains("<pre>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</pre>"))
        }
    }

    @Test("requeue from the error queue page moves the entry back, and it runs")
    func requeue() async throws {
        try await withHarness { harness in
            let ids = try await harness.seedErrors(count: 2)
            let group = harness.group
            let response = try await harness.withClient { client in
                let page = try await client.get("/groups/\(group)/errors")
                let token = try #require(page.csrfToken)
                return try await client.post("/groups/\(group)/errors/requeue", fields: [("id", ids[1]), ("csrf", token)])
            }
            #expect(response.status == .seeOther)
            #expect(try await harness.deferrable.errors.list().map(\.id) == [ids[0]])
            harness.healed.withLock { $0 = true }
            _ = try await harness.deferrable.runOnce(waitingUpTo: .seconds(2))
            #expect(harness.succeeded.value == [ids[1]])
        }
    }

    @Test("GET /metrics reports the group's gauges")
    func metrics() async throws {
        try await withHarness { harness in
            try await harness.seedErrors(count: 3)
            let group = harness.group
            let page = try await harness.withClient { try await $0.get("/metrics") }
            let lines = page.body.split(separator: "\n").map(String.init)
            #expect(lines.contains("deferrable_error_queue_size{group=\"\(group)\"} 3"))
            #expect(lines.contains("deferrable_queue_ready{group=\"\(group)\"} 0"))
            #expect(lines.contains("deferrable_queue_latency_seconds{group=\"\(group)\"} 0"))
            #expect(lines.contains("deferrable_workers{group=\"\(group)\"} 0"))
        }
    }
}
