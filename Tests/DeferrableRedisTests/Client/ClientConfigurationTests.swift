import DeferrableRedis
import Foundation
import Testing

@Suite("Redis URL parsing and configuration")
struct ClientConfigurationTests {
    struct ValidCase: Sendable, CustomTestStringConvertible {
        let url: String
        let endpoint: RedisEndpoint
        var username: String?
        var password: String?
        var database = 0

        var testDescription: String {
            url
        }
    }

    static let validCases: [ValidCase] = [
        ValidCase(url: "redis://localhost", endpoint: .tcp(host: "localhost", port: 6379)),
        ValidCase(url: "redis://127.0.0.1:6390", endpoint: .tcp(host: "127.0.0.1", port: 6390)),
        ValidCase(url: "REDIS://Example.COM:7000/", endpoint: .tcp(host: "example.com", port: 7000)),
        ValidCase(url: "redis://host/3", endpoint: .tcp(host: "host", port: 6379), database: 3),
        ValidCase(url: "redis://host:1234/15", endpoint: .tcp(host: "host", port: 1234), database: 15),
        ValidCase(url: "redis://host?db=4", endpoint: .tcp(host: "host", port: 6379), database: 4),
        ValidCase(url: "redis://:secret@host", endpoint: .tcp(host: "host", port: 6379), password: "secret"),
        ValidCase(
            url: "redis://alice:wonder%40land%3A%2F@host:6380/2",
            endpoint: .tcp(host: "host", port: 6380),
            username: "alice",
            password: "wonder@land:/",
            database: 2
        ),
        ValidCase(url: "redis://:p@ss@host", endpoint: .tcp(host: "host", port: 6379), password: "p@ss"),
        ValidCase(url: "redis://b%C3%B6b:pw@host", endpoint: .tcp(host: "host", port: 6379), username: "böb", password: "pw"),
        ValidCase(url: "redis://[::1]", endpoint: .tcp(host: "::1", port: 6379)),
        ValidCase(url: "redis://[::1]:6390/1", endpoint: .tcp(host: "::1", port: 6390), database: 1),
        ValidCase(url: "redis://:pw@[fe80::1]:7000", endpoint: .tcp(host: "fe80::1", port: 7000), password: "pw"),
        ValidCase(url: "  redis://host  ", endpoint: .tcp(host: "host", port: 6379)),
        ValidCase(url: "unix:///tmp/redis.sock", endpoint: .unixSocket(path: "/tmp/redis.sock")),
        ValidCase(
            url: "unix:///var/run/redis/redis.sock?db=2&password=s%26cret",
            endpoint: .unixSocket(path: "/var/run/redis/redis.sock"),
            password: "s&cret",
            database: 2
        ),
        ValidCase(
            url: "unix://alice:pw@/tmp/r.sock",
            endpoint: .unixSocket(path: "/tmp/r.sock"),
            username: "alice",
            password: "pw"
        ),
        ValidCase(
            url: "redis+unix:///tmp/r.sock?username=bob&password=x",
            endpoint: .unixSocket(path: "/tmp/r.sock"),
            username: "bob",
            password: "x"
        ),
        ValidCase(url: "redis-socket:///tmp/r.sock", endpoint: .unixSocket(path: "/tmp/r.sock")),
    ]

    @Test("valid URLs", arguments: validCases)
    func validURL(_ valid: ValidCase) throws {
        let configuration = try RedisConfiguration(url: valid.url)
        #expect(configuration.endpoint == valid.endpoint)
        #expect(configuration.username == valid.username)
        #expect(configuration.password == valid.password)
        #expect(configuration.database == valid.database)
        #expect(configuration.connectTimeout == .seconds(2))
        #expect(configuration.commandTimeout == .seconds(5))
        #expect(configuration.poolSize == 2)
        #expect(configuration.maxBlockingConnections == 16)
    }

    static let invalidCases: [(url: String, reasonFragment: String)] = [
        ("", "missing scheme"),
        ("localhost:6379", "missing scheme"),
        ("http://host", "unsupported scheme 'http'"),
        ("redis://", "missing host"),
        ("redis://:6379", "missing host"),
        ("redis://host:notaport", "port"),
        ("redis://host:0", "port"),
        ("redis://host:70000", "port"),
        ("redis://host/abc", "database"),
        ("redis://host/-1", "database"),
        ("redis://host/1/2", "path"),
        ("redis://::1:6379", "brackets"),
        ("redis://[::1", "']'"),
        ("redis://[::1]x", "after the IPv6"),
        ("redis://ho st", "host"),
        ("redis://host?timeout=5", "query parameter 'timeout'"),
        ("redis://:topsecret%zz@host", "percent-encoding in password"),
        ("redis://onlyuser@host", "user info"),
        ("unix://", "path"),
        ("unix://relative/path.sock", "host"),
    ]

    @Test("invalid URLs are rejected with a reason", arguments: invalidCases)
    func invalidURL(_ invalid: (url: String, reasonFragment: String)) {
        do {
            _ = try RedisConfiguration(url: invalid.url)
            Issue.record("expected \(invalid.url) to be rejected")
        } catch let error as RedisError {
            guard case .invalidURL(let reason) = error else {
                Issue.record("expected .invalidURL, got \(error)")
                return
            }
            #expect(reason.contains(invalid.reasonFragment), "reason was: \(reason)")
            #expect(!error.description.contains("topsecret"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("rediss:// turns TLS on with verification by default, and its query parameters set every TLS option")
    func tlsURLs() throws {
        let plain = try RedisConfiguration(url: "rediss://:pw@host:6380/2")
        #expect(plain.tls == RedisTLSConfiguration())
        #expect(plain.tls?.verifiesHostname == true)
        #expect(plain.endpoint == .tcp(host: "host", port: 6380))
        #expect(plain.database == 2)
        #expect(plain.redactedURL == "rediss://:***@host:6380/2")

        let full = try RedisConfiguration(
            url: "rediss://h:6390?tls_ca=/etc/ca%20dir/ca.pem&tls_cert=/c.pem&tls_key=/k.pem&tls_server_name=redis.example"
                + "&tls_verify_hostname=false&tls_min_version=1.3")
        let tls = try #require(full.tls)
        #expect(tls.caFile == "/etc/ca dir/ca.pem")
        #expect(tls.certificateFile == "/c.pem")
        #expect(tls.privateKeyFile == "/k.pem")
        #expect(tls.serverName == "redis.example")
        #expect(tls.verifiesHostname == false)
        #expect(tls.minimumVersion == .tls13)
        #expect(try RedisConfiguration(url: full.redactedURL).tls == tls)

        #expect(try RedisConfiguration(url: "redis://host").tls == nil)
    }

    @Test(
        "TLS, Sentinel and replica confirmation URL parameters that cannot be used are refused with a reason",
        arguments: [
            ("redis://host?tls_ca=/ca.pem", "needs TLS"),
            ("rediss://host?tls_ca=", "needs the path"),
            ("rediss://host?tls_min_version=1.1", "1.2 or 1.3"),
            ("rediss://host?tls_verify_hostname=maybe", "true or false"),
            ("rediss://host?tls_cipher=x", "unsupported TLS parameter"),
            ("redis+sentinel://h1,h2", "primary name"),
            ("redis+sentinel://h1/", "primary name"),
            ("redis+sentinel://h1/p/1/2", "primary name"),
            ("redis+sentinel://h1,,h2/p", "missing host"),
            ("redis+sentinel://h1:0/p", "port"),
            ("redis+sentinel://h1/p/x", "database"),
            ("redis+sentinel://h1/a%20b", "without spaces"),
            ("redis+sentinel://h1/p?sentinel_username=u", "needs a sentinel password"),
            ("redis+sentinel://h1/p?sentinel_x=1", "unsupported Sentinel parameter"),
            ("redis://h1?sentinel_password=x", "needs a redis+sentinel"),
            ("redis+sentinel://h1/p?tls_ca=/x", "needs TLS"),
            ("redis://h?wait_replicas=0", "wait_replicas must be 1 to 1000"),
            ("redis://h?wait_replicas=1001", "wait_replicas must be 1 to 1000"),
            ("redis://h?wait_replicas=x", "wait_replicas must be 1 to 1000"),
            ("redis://h?wait_replicas=99999999999999999999", "wait_replicas must be 1 to 1000"),
            ("redis://h?wait_replicas=1&wait_timeout_ms=0", "wait_timeout_ms must be 1 to 600000"),
            ("redis://h?wait_replicas=1&wait_timeout_ms=600001", "wait_timeout_ms must be 1 to 600000"),
            ("redis://h?wait_replicas=1&wait_aof=maybe", "wait_aof must be true or false"),
            ("redis://h?wait_timeout_ms=10", "need wait_replicas"),
            ("redis://h?wait_aof=true", "need wait_replicas"),
            ("redis://h?wait_for=1", "unsupported parameter 'wait_for'"),
        ])
    func tlsURLErrors(url: String, reasonFragment: String) {
        do {
            let configuration = try RedisConfiguration(url: url)
            Issue.record("accepted \(url) as \(configuration)")
        } catch let RedisError.invalidURL(reason) {
            #expect(reason.contains(reasonFragment), "reason was: \(reason)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("wait_replicas, wait_timeout_ms and wait_aof set the replica confirmation on every URL form")
    func replicaConfirmationURLs() throws {
        #expect(try RedisConfiguration(url: "redis://host").replicaConfirmation == nil)
        let plain = try RedisConfiguration(url: "redis://host/1?wait_replicas=2")
        #expect(plain.replicaConfirmation == (try RedisReplicaConfirmation(replicas: 2, timeout: .seconds(1))))
        #expect(plain.redactedURL == "redis://host:6379/1?wait_replicas=2&wait_timeout_ms=1000")
        #expect(try RedisConfiguration(url: plain.redactedURL) == plain)
        for url in [
            "rediss://:pw@host?tls_ca=/ca.pem&wait_replicas=1&wait_timeout_ms=250&wait_aof=true",
            "redis+cluster://h1:7000,h2:7001?wait_replicas=1&wait_timeout_ms=250&wait_aof=yes",
            "redis+sentinel://s1/primary?wait_replicas=1&wait_aof=1&wait_timeout_ms=250",
        ] {
            let configuration = try RedisConfiguration(url: url)
            let expected = try RedisReplicaConfirmation(replicas: 1, timeout: .milliseconds(250), appendOnlyFile: true)
            #expect(configuration.replicaConfirmation == expected, "\(url)")
            let again = try RedisConfiguration(url: configuration.redactedURL.replacingOccurrences(of: "***", with: "pw"))
            #expect(again.replicaConfirmation == expected, "\(configuration.redactedURL)")
        }
    }

    @Test("rediss+sentinel:// turns TLS on for the sentinels and the data nodes, with every TLS option")
    func sentinelTLSURL() throws {
        let configuration = try RedisConfiguration(
            url: "rediss+sentinel://:pw@s1,s2:26380/primary?tls_ca=/ca.pem&tls_server_name=redis.internal&sentinel_password=sp")
        #expect(configuration.tls == RedisTLSConfiguration(serverName: "redis.internal", caFile: "/ca.pem"))
        #expect(
            configuration.redactedURL
                == "rediss+sentinel://:***@s1:26379,s2:26380/primary/0?tls_ca=/ca.pem&tls_server_name=redis.internal&sentinel_password=***")
        let again = try RedisConfiguration(
            url: configuration.redactedURL.replacingOccurrences(of: ":***@", with: ":pw@").replacingOccurrences(
                of: "sentinel_password=***", with: "sentinel_password=sp"))
        #expect(again == configuration)
    }

    @Test("RedisReplicaConfirmation refuses replica counts and timeouts out of range")
    func replicaConfirmationRange() {
        for (replicas, timeout) in [(0, Duration.seconds(1)), (1001, .seconds(1)), (1, .zero), (1, .seconds(601)), (-1, .seconds(1))] {
            #expect(throws: RedisError.self, "\(replicas) \(timeout)") {
                try RedisReplicaConfirmation(replicas: replicas, timeout: timeout)
            }
        }
        #expect((try? RedisReplicaConfirmation(replicas: 1000, timeout: .seconds(600))) != nil)
    }

    @Test("redis+sentinel:// names the sentinels (port 26379 by default), the primary, the database and both credentials")
    func sentinelURLs() throws {
        let configuration = try RedisConfiguration(
            url: "redis+sentinel://:data-pw@10.0.0.1,10.0.0.2:26380,[::1]/my%2Dprimary/3?sentinel_password=s-pw")
        let expected = RedisSentinelEndpoint(
            primaryName: "my-primary",
            sentinels: [.init(host: "10.0.0.1"), .init(host: "10.0.0.2", port: 26380), .init(host: "::1")],
            sentinelPassword: "s-pw")
        #expect(configuration.endpoint == .sentinel(expected))
        #expect(configuration.password == "data-pw")
        #expect(configuration.database == 3)
        #expect(configuration.tls == nil)
        #expect(
            configuration.redactedURL
                == "redis+sentinel://:***@10.0.0.1:26379,10.0.0.2:26380,[::1]:26379/my-primary/3?sentinel_password=***")
        #expect(configuration.endpoint.description == "sentinel:my-primary@10.0.0.1:26379,10.0.0.2:26380,[::1]:26379")
        for text in [configuration.description, String(reflecting: configuration)] {
            #expect(!text.contains("s-pw") && !text.contains("data-pw"), "\(text)")
        }
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains("s-pw") && !dumped.contains("data-pw"))

        let named = try RedisConfiguration(url: "redis+sentinel://h/p?sentinel_username=watch&sentinel_password=x")
        guard case .sentinel(let sentinel) = named.endpoint else {
            Issue.record("not a Sentinel endpoint: \(named.endpoint)")
            return
        }
        #expect(sentinel.sentinelUsername == "watch")
        #expect(named.database == 0)
        #expect(named.password == nil)
    }

    @Test("description, debugDescription and dump never reveal the password")
    func passwordIsHidden() throws {
        let configuration = try RedisConfiguration(url: "redis://alice:hunter2@host:6390/1")
        #expect(!configuration.description.contains("hunter2"))
        #expect(configuration.description.contains("***"))
        #expect(configuration.description.contains("alice"))
        #expect(configuration.description.contains("host:6390"))
        #expect(!String(reflecting: configuration).contains("hunter2"))
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains("hunter2"))
        #expect(configuration.redactedURL == "redis://alice:***@host:6390/1")
        let unix = try RedisConfiguration(url: "unix:///tmp/r.sock?password=hunter2")
        #expect(!unix.description.contains("hunter2"))
    }

    @Test("endpoint descriptions")
    func endpointDescriptions() {
        #expect(RedisEndpoint.tcp(host: "::1", port: 6379).description == "[::1]:6379")
        #expect(RedisEndpoint.tcp(host: "redis", port: 1).description == "redis:1")
        #expect(RedisEndpoint.unixSocket(path: "/tmp/s").description == "unix:/tmp/s")
    }

    @Test("script SHA-1 matches known digests")
    func scriptSHA1() {
        #expect(RedisScript(name: "empty", source: "").sha1 == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(RedisScript(name: "abc", source: "abc").sha1 == "a9993e364706816aba3e25717850c26c9cd0d89d")
        let long = String(repeating: "a", count: 1000)
        #expect(RedisScript(name: "long", source: long).sha1 == "291e9a6c66994949b57ba5e650361e98fc36b1ba")
        #expect(RedisScript(name: "ret", source: "return 1").sha1 == "e0e1f9fabfc9d4800c877a703b823ac0578ff8db")
    }

    @Test("RedisValue accessors")
    func valueAccessors() {
        #expect(RedisValue.bulkString(Array("42".utf8)).int == 42)
        #expect(RedisValue.simpleString("OK").string == "OK")
        #expect(RedisValue.integer(7).int == 7)
        #expect(RedisValue.integer(7).string == nil)
        #expect(RedisValue.null.isNull)
        #expect(RedisValue.array([.integer(1)]).array == [.integer(1)])
        #expect(RedisValue.bulkString(Array("x".utf8)).int == nil)
    }
}
