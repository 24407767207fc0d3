import Deferrable
import DeferrableDashboard
import DeferrableTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Dashboard security")
struct DashboardSecurityTests {
    static let token = "s3cret-token-0123456789"

    @Test("a POST without the CSRF token, or with a wrong one, is refused with 403 and changes nothing")
    func csrf() async throws {
        let harness = try DashboardHarness()
        let ids = try await harness.seedErrors(count: 1)
        let group = harness.group
        let (missing, wrong, emptyBody) = try await harness.withClient { client in
            (
                try await client.post("/groups/\(group)/errors/delete", fields: [("id", ids[0])]),
                try await client.post("/groups/\(group)/errors/purge", fields: [("csrf", String(repeating: "0", count: 64))]),
                try await client.post("/groups/\(group)/errors/requeue-all", fields: [])
            )
        }
        for refused in [missing, wrong, emptyBody] {
            #expect(refused.status == .forbidden)
            #expect(refused.body.contains("CSRF token is missing or wrong"))
        }
        #expect(try await harness.deferrable.errors.count() == 1)
    }

    @Test("a read-only dashboard renders no forms and refuses every action with 403")
    func readOnly() async throws {
        let harness = try DashboardHarness(configuration: DashboardConfiguration())
        let ids = try await harness.seedErrors(count: 1)
        let group = harness.group
        let (list, responses) = try await harness.withClient { client in
            let list = try await client.get("/groups/\(group)/errors")
            var responses: [Page] = []
            for action in ["requeue", "delete", "requeue-all", "purge"] {
                responses.append(try await client.post("/groups/\(group)/errors/\(action)", fields: [("id", ids[0])]))
            }
            return (list, responses)
        }
        #expect(list.status == .ok)
        #expect(!list.body.contains("<form"))
        #expect(list.csrfToken == nil)
        for response in responses {
            #expect(response.status == .forbidden)
            #expect(response.body.contains("This dashboard is read-only"))
        }
        #expect(try await harness.deferrable.errors.count() == 1)
    }

    @Test("with a token: none or a wrong one is 401, the right one as bearer or cookie is 200")
    func tokenCheck() async throws {
        let harness = try DashboardHarness(configuration: DashboardConfiguration(token: Self.token))
        let group = harness.group
        let pages = try await harness.withClient { client in
            [
                try await client.get("/"),
                try await client.get("/metrics"),
                try await client.get("/groups/\(group)/errors", headers: [.authorization: "Bearer wrong-token-0123456789"]),
                try await client.get("/", headers: [.authorization: "Bearer \(Self.token)x"]),
                try await client.get("/", headers: [.cookie: "deferrable_token=\(Self.token.dropLast())"]),
                try await client.get("/?token=nope"),
                try await client.post("/groups/\(group)/errors/purge", fields: []),
            ]
        }
        for page in pages {
            #expect(page.status == .unauthorized)
            #expect(page.headers[.wwwAuthenticate] == "Bearer realm=\"deferrable\"")
        }
        #expect(pages[0].body.contains("<input type=\"password\" name=\"token\""))
        let allowed = try await harness.withClient { client in
            [
                try await client.get("/", headers: [.authorization: "Bearer \(Self.token)"]),
                try await client.get("/metrics", headers: [.authorization: "Bearer \(Self.token)"]),
                try await client.get("/groups/\(group)/tasks", headers: [.cookie: "deferrable_token=\(Self.token)"]),
            ]
        }
        for page in allowed { #expect(page.status == .ok) }
    }

    @Test("?token= sets an HttpOnly SameSite=Strict cookie and redirects to the same URL without the token")
    func tokenLogin() async throws {
        let harness = try DashboardHarness(configuration: DashboardConfiguration(token: Self.token))
        let group = harness.group
        let page = try await harness.withClient { try await $0.get("/groups/\(group)/errors?offset=0&token=\(Self.token)&limit=5") }
        #expect(page.status == .seeOther)
        #expect(page.headers[.location] == "/groups/\(group)/errors?offset=0&limit=5")
        let cookie = try #require(page.headers[.setCookie])
        #expect(cookie.contains("deferrable_token=\(Self.token)"))
        #expect(cookie.contains("HttpOnly"))
        #expect(cookie.contains("SameSite=Strict"))
    }

    @Test("every response carries the security headers, error pages too")
    func headers() async throws {
        let harness = try DashboardHarness()
        let pages = try await harness.withClient { client in
            [try await client.get("/"), try await client.get("/groups/a%7B/tasks"), try await client.get("/?limit=x")]
        }
        for page in pages {
            let policy = try #require(page.headers[HTTPField.Name("Content-Security-Policy")!])
            #expect(policy.contains("default-src 'none'"))
            #expect(policy.contains("frame-ancestors 'none'"))
            #expect(!policy.contains("unsafe-inline"))
            #expect(!policy.contains("script-src"), "no script may run")
            #expect(page.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
        }
        let nonce = try #require(pages[0].headers[HTTPField.Name("Content-Security-Policy")!]?.split(separator: "'nonce-").last?.prefix(32))
        #expect(pages[0].body.contains("<style nonce=\"\(nonce)\">"))
    }

    @Test("serving on a non-loopback address needs a token")
    func bindNeedsToken() throws {
        let open = try Dashboard(factory: MemoryBackendFactory())
        #expect(throws: DashboardConfigurationError.tokenRequired(bind: "0.0.0.0")) { _ = try open.application(bind: "0.0.0.0") }
        #expect(throws: DashboardConfigurationError.tokenRequired(bind: "192.168.1.4")) {
            _ = try open.application(bind: "192.168.1.4")
        }
        _ = try open.application(bind: "127.0.0.1")
        _ = try open.application(bind: "localhost")
        _ = try open.application(bind: "::1")
        #expect(throws: DashboardConfigurationError.invalidPort(70000)) { _ = try open.application(port: 70000) }
        let guarded = try Dashboard(factory: MemoryBackendFactory(), configuration: DashboardConfiguration(token: Self.token))
        _ = try guarded.application(bind: "0.0.0.0")
    }

    @Test(
        "loopback addresses",
        arguments: [
            ("127.0.0.1", true), ("127.1.2.3", true), ("localhost", true), ("::1", true), ("0.0.0.0", false),
            ("128.0.0.1", false), ("127.0.0.256", false), ("127.0.0", false), ("::", false), ("example.com", false),
        ])
    func loopback(host: String, expected: Bool) {
        #expect(Dashboard.isLoopback(host) == expected)
    }

    @Test("tokens that are too short or hold other characters are refused")
    func tokenValidation() {
        for bad in ["short", String(repeating: "a", count: 257), "has spaces in it ok", "semi;colon-0123456789"] {
            #expect(throws: DashboardConfigurationError.self) {
                _ = try Dashboard(factory: MemoryBackendFactory(), configuration: DashboardConfiguration(token: bad))
            }
        }
        #expect(throws: DashboardConfigurationError.invalidRefresh(0)) {
            _ = try Dashboard(factory: MemoryBackendFactory(), configuration: DashboardConfiguration(refreshSeconds: 0))
        }
    }
}
