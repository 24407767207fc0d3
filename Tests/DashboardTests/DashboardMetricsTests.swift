import Deferrable
import DeferrableDashboard
import DeferrableTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Dashboard metrics")
struct DashboardMetricsTests {
    @Test("GET /metrics serves queue gauges per group in the Prometheus text format")
    func metrics() async throws {
        let harness = try DashboardHarness()
        try await harness.seedErrors(count: 2)
        let handle = try harness.deferrable.register("later") { (_: Int, _) in }
        try await handle.later(1)
        let group = harness.group
        let page = try await harness.withClient { try await $0.get("/metrics") }
        #expect(page.status == .ok)
        #expect(page.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
        let lines = page.body.split(separator: "\n").map(String.init)
        #expect(lines.contains("# TYPE deferrable_queue_ready gauge"))
        #expect(lines.contains("# HELP deferrable_queue_ready Jobs runnable now."))
        #expect(lines.contains("deferrable_queue_ready{group=\"\(group)\"} 1"))
        #expect(lines.contains("deferrable_queue_delayed{group=\"\(group)\"} 0"))
        #expect(lines.contains("deferrable_queue_in_flight{group=\"\(group)\"} 0"))
        #expect(lines.contains("deferrable_error_queue_size{group=\"\(group)\"} 2"))
        #expect(lines.contains("# TYPE deferrable_queue_latency_seconds gauge"))
        #expect(lines.contains("# TYPE deferrable_workers gauge"))
        #expect(lines.contains("deferrable_groups 1"))
        for line in lines where !line.hasPrefix("#") {
            #expect(line.wholeMatch(of: /[a-z_]+(\{group="[A-Za-z0-9_.-]+"\})? [0-9.e+-]+/) != nil, "\(line)")
        }
    }
}
