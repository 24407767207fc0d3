import Deferrable
import DeferrableDashboard
import DeferrableTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Dashboard escaping")
struct DashboardEscapingTests {
    static let payloads = [
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "'><svg onload=alert(1)>",
    ]

    /// Every page showing the job: the overview, tasks, queue, error list and entry.
    static func pages(_ harness: DashboardHarness, id: String) async throws -> [Page] {
        let group = harness.group
        return try await harness.withClient { client in
            [
                try await client.get("/"),
                try await client.get("/groups/\(group)/tasks"),
                try await client.get("/groups/\(group)/queue"),
                try await client.get("/groups/\(group)/errors"),
                try await client.get("/groups/\(group)/errors/entry?id=\(id)"),
            ]
        }
    }

    @Test("job names, arguments and error messages are HTML-escaped on every page", arguments: payloads)
    func escaped(payload: String) async throws {
        let harness = try DashboardHarness()
        let ids = try await harness.seedErrors(name: "job\(payload)", argument: "arg\(payload)", message: "msg\(payload)")
        let queued = try harness.deferrable.register("queued\(payload)") { (_: String, _) in }
        try await queued.later("queued-arg\(payload)")
        let pages = try await Self.pages(harness, id: ids[0])
        let escapedPayload = payload.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;")
            .replacing("\"", with: "&quot;").replacing("'", with: "&#39;")
        for page in pages {
            #expect(page.status == .ok)
            #expect(!page.body.contains(payload), "the raw payload never reaches a page")
            #expect(!page.body.contains("onerror=alert") || page.body.contains("&quot;&gt;&lt;img"))
            #expect(!page.body.contains("<script"), "no script element on any page")
        }
        let entry = pages[4].body
        #expect(entry.contains("<tr><th>Job</th><td>job\(escapedPayload)</td></tr>"))
        #expect(entry.contains("<pre>msg\(escapedPayload)</pre>"))
        #expect(pages[3].body.contains(": msg\(escapedPayload)</td>"))
        #expect(pages[1].body.contains("<td>job\(escapedPayload)</td>"), "the task row of the name")
    }

    @Test("a job id with markup and URL characters is escaped in text and percent-encoded in links")
    func jobIDs() async throws {
        let harness = try DashboardHarness()
        let id = "id\"><b>x</b>&y=1 /?#"
        try await harness.deferrable.backend.queue.push(OutgoingJob(id: id, payload: Array("not an envelope <script>".utf8)))
        _ = try await harness.deferrable.runOnce(waitingUpTo: .zero)
        let group = harness.group
        let (list, entry) = try await harness.withClient { client in
            (
                try await client.get("/groups/\(group)/errors"),
                try await client.get("/groups/\(group)/errors/entry?id=id%22%3E%3Cb%3Ex%3C%2Fb%3E%26y%3D1%20%2F%3F%23")
            )
        }
        #expect(list.body.contains("href=\"/groups/\(group)/errors/entry?id=id%22%3E%3Cb%3Ex%3C%2Fb%3E%26y%3D1%20%2F%3F%23\""))
        #expect(list.body.contains("<code>id&quot;&gt;&lt;b&gt;x&lt;/b&gt;&amp;y=1 /?#</code>"))
        #expect(!list.body.contains("<b>x</b>"))
        #expect(entry.status == .ok)
        #expect(entry.body.contains("not an envelope &lt;script&gt;"))
    }

    @Test("the notice of a redirect shows only its fixed texts: unknown notices and counts are not reflected")
    func notices() async throws {
        let harness = try DashboardHarness()
        let group = harness.group
        let (unknown, badCount) = try await harness.withClient { client in
            (
                try await client.get("/groups/\(group)/errors?notice=%3Cscript%3Ealert(1)%3C%2Fscript%3E"),
                try await client.get("/groups/\(group)/errors?notice=purged&count=%3Cb%3E")
            )
        }
        #expect(unknown.status == .ok)
        #expect(!unknown.body.contains("id=\"notice\""))
        #expect(!unknown.body.contains("alert(1)"))
        #expect(badCount.body.contains("<p class=\"notice\" id=\"notice\">0 entries were deleted.</p>"))
        #expect(!badCount.body.contains("&lt;b&gt;"))
    }
}
