import Deferrable
import DeferrableRedis
import Foundation
import Testing

/// Invalid options, group names and URLs are rejected up front with errors that say what is wrong.
@Suite("Invalid configuration")
struct InvalidConfigurationTests {
    struct Args: Codable, Sendable {}

    @Test(
        "Invalid group names are refused with the reason",
        arguments: [
            "", String(repeating: "g", count: 65), "has space", "a{b}", "a:b", "tab\t", "ünïcode", "new\nline",
        ])
    func groupNames(_ name: String) throws {
        #expect(throws: DeferrableError.self) { try MemoryBackendFactory().makeBackend(group: name) }
        #expect(throws: DeferrableError.self) { try RedisBackendFactory(url: "redis://127.0.0.1:1").makeBackend(group: name) }
        do {
            _ = try Deferrable(factory: MemoryBackendFactory(), group: name)
        } catch {
            guard case .invalidGroupName(_, let reason) = error as? DeferrableError else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(!reason.isEmpty)
        }
    }

    @Test("Invalid job options are refused at registration")
    func jobOptions() throws {
        let deferrable = try Deferrable(factory: MemoryBackendFactory(), group: "options", logger: quietLogger())
        let invalid: [(String, JobOptions)] = [
            ("zero attempts", JobOptions(maxAttempts: 0)),
            ("negative attempts", JobOptions(maxAttempts: -3)),
            ("negative delay", JobOptions(delay: .milliseconds(-1))),
            ("zero ttl", JobOptions(ttl: .milliseconds(0))),
            ("delay over ttl", JobOptions(delay: .seconds(10), ttl: .seconds(1))),
            ("zero time limit", JobOptions(timeLimit: .zero)),
        ]
        for (label, options) in invalid {
            #expect(throws: DeferrableError.self, "\(label)") {
                try deferrable.register("job-\(label)", options: options) { (_: Args, _: JobContext) in }
            }
        }
        #expect(throws: DeferrableError.self) { try deferrable.register("") { (_: Args, _: JobContext) in } }
        try deferrable.register("twice") { (_: Args, _: JobContext) in }
        #expect(throws: DeferrableError.duplicateJobName("twice")) { try deferrable.register("twice") { (_: Args, _: JobContext) in } }
        #expect(deferrable.registeredJobNames == ["twice"])
    }

    @Test("Invalid Redis URLs are refused with a typed error naming the fault")
    func redisURLs() {
        let urls = [
            "", "127.0.0.1:6379", "http://localhost", "redis://", "redis://host:notaport", "redis://host:70000", "redis://host/x",
            "redis://host/1/2", "redis://[::1", "redis://host#frag", "unix://", "redis://host?db=abc",
            "redis://host?tls_ca=/x", "rediss://host?tls_min_version=1.1", "rediss://host?tls_verify_hostname=maybe",
            "rediss://host?tls_bogus=1",
        ]
        var rejected = 0
        for url in urls {
            do {
                let configuration = try RedisConfiguration(url: url)
                Issue.record("accepted '\(url)' as \(configuration)")
            } catch let error as RedisError {
                rejected += 1
                #expect(!error.description.isEmpty)
            } catch {
                Issue.record("untyped error for '\(url)': \(error)")
            }
        }
        report("invalid-configuration", ["urlsRejected": rejected, "urls": urls.count])
    }
}
