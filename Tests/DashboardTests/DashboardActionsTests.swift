import Deferrable
import DeferrableDashboard
import DeferrableTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Dashboard actions")
struct DashboardActionsTests {
    /// The CSRF token of the error-queue page of `group`, then the response to posting `fields` and it to `action`.
    static func act(_ harness: DashboardHarness, _ action: String, fields: [(String, String)] = []) async throws -> Page {
        let group = harness.group
        return try await harness.withClient { client in
            let page = try await client.get("/groups/\(group)/errors")
            let token = try #require(page.csrfToken)
            return try await client.post("/groups/\(group)/errors/\(action)", fields: fields + [("csrf", token)])
        }
    }

    @Test("requeue moves one entry back to the queue, and it runs")
    func requeueOne() async throws {
        let harness = try DashboardHarness()
        let ids = try await harness.seedErrors(count: 2)
        let response = try await Self.act(harness, "requeue", fields: [("id", ids[0])])
        #expect(response.status == .seeOther)
        #expect(response.headers[.location] == "/groups/\(harness.group)/errors?notice=requeued")
        #expect(try await harness.deferrable.errors.entry(id: ids[0]) == nil)
        #expect(try await harness.deferrable.errors.count() == 1)
        harness.healed.withLock { $0 = true }
        _ = try await harness.deferrable.runOnce(waitingUpTo: .zero)
        #expect(harness.succeeded.value == [ids[0]])
        let group = harness.group
        let page = try await harness.withClient { try await $0.get("/groups/\(group)/errors?notice=requeued") }
        #expect(page.body.contains("<p class=\"notice\" id=\"notice\">The entry was moved back to the queue.</p>"))
    }

    @Test("requeue of an entry that is gone says so")
    func requeueMissing() async throws {
        let harness = try DashboardHarness()
        try await harness.seedErrors(count: 1)
        let response = try await Self.act(harness, "requeue", fields: [("id", "no-such-entry")])
        #expect(response.headers[.location] == "/groups/\(harness.group)/errors?notice=missing")
    }

    @Test("requeue all moves every entry back")
    func requeueAll() async throws {
        let harness = try DashboardHarness()
        try await harness.seedErrors(count: 3)
        let response = try await Self.act(harness, "requeue-all")
        #expect(response.headers[.location] == "/groups/\(harness.group)/errors?notice=requeued-all&count=3")
        #expect(try await harness.deferrable.stats() == QueueStats(available: 3, inFlight: 0, delayed: 0, errors: 0))
    }

    @Test("delete removes one entry")
    func delete() async throws {
        let harness = try DashboardHarness()
        let ids = try await harness.seedErrors(count: 2)
        let response = try await Self.act(harness, "delete", fields: [("id", ids[1])])
        #expect(response.headers[.location] == "/groups/\(harness.group)/errors?notice=deleted")
        #expect(try await harness.deferrable.errors.list().map(\.id) == [ids[0]])
        #expect(try await harness.deferrable.stats().available == 0)
    }

    @Test("purge removes every entry")
    func purge() async throws {
        let harness = try DashboardHarness()
        try await harness.seedErrors(count: 4)
        let response = try await Self.act(harness, "purge")
        #expect(response.headers[.location] == "/groups/\(harness.group)/errors?notice=purged&count=4")
        #expect(try await harness.deferrable.errors.count() == 0)
    }

    @Test("an action form without an entry id is 400")
    func missingID() async throws {
        let harness = try DashboardHarness()
        try await harness.seedErrors(count: 1)
        let response = try await Self.act(harness, "delete")
        #expect(response.status == .badRequest)
        #expect(try await harness.deferrable.errors.count() == 1)
    }

    @Test("the entry page offers requeue and delete with the CSRF token")
    func entryForms() async throws {
        let harness = try DashboardHarness()
        let ids = try await harness.seedErrors(count: 1)
        let group = harness.group
        let page = try await harness.withClient { try await $0.get("/groups/\(group)/errors/entry?id=\(ids[0])") }
        #expect(page.body.contains("action=\"/groups/\(group)/errors/requeue\""))
        #expect(page.body.contains("action=\"/groups/\(group)/errors/delete\""))
        #expect(page.body.contains("<input type=\"hidden\" name=\"id\" value=\"\(ids[0])\">"))
        #expect(page.csrfToken?.count == 64)
    }
}
