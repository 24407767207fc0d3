import DeferrablePostgres
import PostgresNIO
import Testing

@Suite("PostgreSQL: URLs")
struct PostgresURLTests {
    @Test("a full URL gives host, port, user, password and database")
    func full() throws {
        let configuration = try PostgresBackendFactory.configuration(url: "postgres://app:s%40cret@db.example:6543/jobs?sslmode=disable")
        #expect(configuration.host == "db.example")
        #expect(configuration.port == 6543)
        #expect(configuration.username == "app")
        #expect(configuration.password == "s@cret")
        #expect(configuration.database == "jobs")
    }

    @Test("defaults: port 5432, the database named after the user")
    func defaults() throws {
        let configuration = try PostgresBackendFactory.configuration(url: "postgresql://app@localhost")
        #expect(configuration.port == 5432)
        #expect(configuration.database == "app")
    }

    @Test(
        "bad URLs are refused with a typed error",
        arguments: [
            "redis://x@host/db", "postgres://host/db", "postgres://", "not a url", "postgres://u@h:0/db",
            "postgres://u@h/db?sslmode=maybe", "postgres://u@h/db?timeout=3",
        ])
    func bad(url: String) {
        #expect(throws: PostgresBackendError.self) { try PostgresBackendFactory.configuration(url: url) }
    }
}
