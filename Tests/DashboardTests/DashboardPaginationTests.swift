import Deferrable
import DeferrableDashboard
import DeferrableTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Dashboard pagination")
struct DashboardPaginationTests {
    /// The number of error-queue rows on `page`.
    static func rows(_ page: Page) -> Int {
        page.body.components(separatedBy: "<tr data-id=").count - 1
    }

    @Test("the error queue shows 20 rows by default, clamps limit to 100, and links the next page")
    func bounds() async throws {
        let harness = try DashboardHarness()
        let ids = try await harness.seedErrors(count: 130)
        let group = harness.group
        let (first, clamped, last, beyond) = try await harness.withClient { client in
            (
                try await client.get("/groups/\(group)/errors"),
                try await client.get("/groups/\(group)/errors?limit=100000"),
                try await client.get("/groups/\(group)/errors?offset=120&limit=50"),
                try await client.get("/groups/\(group)/errors?offset=500")
            )
        }
        #expect(Self.rows(first) == 20)
        #expect(first.body.contains("href=\"/groups/\(group)/errors?offset=20&amp;limit=20\">next →</a>"))
        #expect(!first.body.contains("← previous"))
        #expect(clamped.status == .ok)
        #expect(Self.rows(clamped) == 100)
        #expect(Self.rows(last) == 10)
        #expect(last.body.contains("<tr data-id=\"\(ids[129])\">"))
        #expect(last.body.contains("href=\"/groups/\(group)/errors?offset=70&amp;limit=50\">← previous</a>"))
        #expect(!last.body.contains("next →"))
        #expect(beyond.status == .ok)
        #expect(Self.rows(beyond) == 0)
    }

    @Test(
        "malformed or out-of-range numbers are 400",
        arguments: [
            "limit=0", "limit=-5", "limit=abc", "limit=", "offset=-1", "offset=1e3", "offset=1000001", "offset=99999999999999999999",
            "limit=%2B5", "offset= 1",
        ])
    func badNumbers(query: String) async throws {
        let harness = try DashboardHarness()
        let group = harness.group
        let pages = try await harness.withClient { client in
            [
                try await client.get("/?\(query)"),
                try await client.get("/workers?\(query)"),
                try await client.get("/groups/\(group)/errors?\(query)"),
                try await client.get("/groups/\(group)/queue?\(query)"),
                try await client.get("/groups/\(group)/tasks?\(query)"),
            ]
        }
        for page in pages {
            #expect(page.status == .badRequest)
            #expect(page.body.contains("data-status=\"error\""))
        }
    }

    @Test("the overview pages through the groups")
    func groups() async throws {
        let harness = try DashboardHarness()
        var groups: [String] = []
        for index in 0..<5 {
            let deferrable = try Deferrable(factory: harness.factory, group: "page-\(index)-\(harness.group)")
            let handle = try deferrable.register("x") { (_: Int, _) in }
            try await handle.later(index)
            groups.append(deferrable.group)
        }
        let page = try await harness.withClient { try await $0.get("/?offset=1&limit=2") }
        #expect(page.status == .ok)
        let shown = groups.filter { page.body.contains("<tr data-group=\"\($0)\">") }
        #expect(shown.count == 2)
    }
}
