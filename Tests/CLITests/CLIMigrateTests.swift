import DeferrablePostgres
import DeferrableTestSupport
import Foundation
import Testing

private let postgresURL: String? = {
    guard let url = ProcessInfo.processInfo.environment["POSTGRES_URL"], !url.isEmpty else { return nil }
    return url
}()

/// `deferrable migrate` against the PostgreSQL server of `POSTGRES_URL`, each test in a schema of its own.
@Suite("deferrable migrate", .enabled(if: postgresURL != nil, "needs POSTGRES_URL"), .serialized, .timeLimit(.minutes(3)))
struct CLIMigrateTests {
    @Test("Migrating twice exits 0 both times, and the second run leaves a working schema")
    func migrateTwice() async throws {
        let url = try #require(postgresURL)
        let schema = uniqueSchema()
        let first = try await CLIRunner.runConcurrently(["migrate", "--postgres", url, "--schema", schema])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.hasPrefix("schema \(schema) is "), "\(first.stdout)")
        #expect(first.stderr.isEmpty)
        let second = try await CLIRunner.runConcurrently(["migrate", "--postgres", url, "--schema", schema])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout == first.stdout)
        try await expectWorkingSchema(url: url, schema: schema)
    }

    @Test("Two migrate processes at once both exit 0")
    func migrateConcurrently() async throws {
        let url = try #require(postgresURL)
        let schema = uniqueSchema()
        let arguments = ["migrate", "--postgres", url, "--schema", schema]
        async let first = CLIRunner.runConcurrently(arguments)
        async let second = CLIRunner.runConcurrently(arguments)
        let results = try await [first, second]
        for result in results {
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("schema \(schema) is "), "\(result.stdout)")
        }
        try await expectWorkingSchema(url: url, schema: schema)
    }

    @Test("An invalid URL is reported without its password")
    func invalidURLHidesPassword() async throws {
        for url in ["postgres://app:s3cret-pw@127.0.0.1:99999/db", "postgres://app:s3cret-pw@127.0.0.1:5432/db?sslmode=bogus"] {
            let result = try await CLIRunner.runConcurrently(["migrate", "--postgres", url])
            #expect(result.status == 1)
            #expect(result.stderr.hasPrefix("deferrable: invalid PostgreSQL URL"), "\(result.stderr)")
            #expect(!result.stderr.contains("s3cret-pw"), "\(result.stderr)")
        }
    }

    @Test("A bad URL or an unreachable server exits 1, a missing URL or a bad schema name 2, each with one line")
    func failures() async throws {
        let bad = try await CLIRunner.runConcurrently(["migrate", "--postgres", "http://localhost/db"])
        #expect(bad.status == 1)
        #expect(bad.stderr.split(separator: "\n").count == 1, "\(bad.stderr)")
        #expect(bad.stdout.isEmpty)

        let started = ContinuousClock.now
        let down = try await CLIRunner.runConcurrently(["migrate", "--postgres", "postgres://postgres@127.0.0.1:1/db"])
        #expect(down.status == 1)
        #expect(down.stderr.split(separator: "\n").count == 1, "\(down.stderr)")
        #expect(down.stderr.hasPrefix("deferrable: cannot reach PostgreSQL"), "\(down.stderr)")
        #expect(started.duration(to: .now) < .seconds(30))

        let missing = try await CLIRunner.runConcurrently(["migrate"], environment: ["DEFERRABLE_POSTGRES_URL": nil])
        #expect(missing.status == 2)
        #expect(missing.stderr.split(separator: "\n").count == 1, "\(missing.stderr)")

        let url = try #require(postgresURL)
        let badSchema = try await CLIRunner.runConcurrently(["migrate", "--postgres", url, "--schema", "no such; schema"])
        #expect(badSchema.status == 2)
        #expect(badSchema.stderr.split(separator: "\n").count == 1, "\(badSchema.stderr)")
    }
}

private func uniqueSchema() -> String {
    "cli_migrate_\(UUID().uuidString.prefix(8).lowercased())"
}

/// The migrated schema answers the backend's queries.
private func expectWorkingSchema(url: String, schema: String) async throws {
    let factory = try PostgresBackendFactory(url: url, settings: PostgresBackendSettings(schema: schema))
    do {
        #expect(try await factory.knownGroups() == [])
        await factory.close()
    } catch {
        await factory.close()
        throw error
    }
}
