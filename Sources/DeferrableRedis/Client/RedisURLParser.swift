import Deferrable

/// Parses `redis://`, `rediss://`, `unix://`, `redis+sentinel://` and `redis+cluster://` URLs into a ``RedisConfiguration``.
///
/// Hand-written (no Foundation) so that the behaviour is identical on every platform and
/// error messages can name the faulty part without ever echoing the password.
enum RedisURLParser {
    static func parse(_ url: String) throws -> RedisConfiguration {
        let trimmed = url.trimmingASCIIWhitespace()
        guard let schemeEnd = trimmed.firstRange(of: "://") else {
            throw RedisError.invalidURL("missing scheme; expected redis://host[:port][/db] or unix:///path")
        }
        let scheme = trimmed[..<schemeEnd.lowerBound].lowercased()
        let rest = trimmed[schemeEnd.upperBound...]
        if rest.contains("#") {
            throw RedisError.invalidURL("fragments ('#') are not supported; percent-encode '#' in passwords as %23")
        }
        switch scheme {
        case "redis":
            return try parseTCP(rest, tls: false)
        case "rediss":
            return try parseTCP(rest, tls: true)
        case "unix", "redis+unix", "redis-socket":
            return try parseUnix(rest)
        case "redis+sentinel":
            return try parseSentinel(rest, tls: false)
        case "rediss+sentinel":
            return try parseSentinel(rest, tls: true)
        case "redis+cluster":
            return try parseCluster(rest, tls: false)
        case "rediss+cluster":
            return try parseCluster(rest, tls: true)
        default:
            let shown = scheme.count <= 16 ? scheme : String(scheme.prefix(16)) + "…"
            throw RedisError.invalidURL(
                "unsupported scheme '\(shown)'; expected redis://, rediss://, unix://, redis+sentinel://, "
                    + "redis+cluster:// or rediss+cluster://")
        }
    }

    // MARK: - redis://

    private static func parseTCP(_ rest: Substring, tls: Bool) throws -> RedisConfiguration {
        let (beforeQuery, query) = splitQuery(rest)
        let (username, password, hostPort, path) = try splitAuthority(beforeQuery)
        let (host, port) = try parseHostPort(hostPort)

        var database = 0
        let dbText = path.drop { $0 == "/" }
        if path.count > 1 || !dbText.isEmpty {
            guard path.hasPrefix("/"), !dbText.contains("/") else {
                throw RedisError.invalidURL("path must be '/<db>' (a database number)")
            }
            database = try parseDatabase(dbText)
        }
        var configuration = RedisConfiguration(
            endpoint: .tcp(host: host, port: port),
            username: username,
            password: password,
            database: database,
            tls: tls ? RedisTLSConfiguration() : nil
        )
        try apply(query: query, to: &configuration, allowCredentials: false)
        return configuration
    }

    // MARK: - redis+sentinel://

    /// `redis+sentinel://[[user]:password@]host[:port][,host[:port]…]/primary-name[/db]` with optional
    /// `sentinel_username`, `sentinel_password` and `db` query parameters (sentinel port 26379 by default);
    /// `rediss+sentinel://` the same over TLS to the sentinels and the data nodes, with the `tls_*` parameters.
    private static func parseSentinel(_ rest: Substring, tls: Bool) throws -> RedisConfiguration {
        let (beforeQuery, query) = splitQuery(rest)
        let (username, password, hosts, path) = try splitAuthority(beforeQuery)
        let sentinels = try hosts.split(separator: ",", omittingEmptySubsequences: false).map { part in
            let (host, port) = try parseHostPort(part, defaultPort: 26379)
            return RedisSentinelEndpoint.Address(host: host, port: port)
        }
        guard sentinels.count <= 64 else {
            throw RedisError.invalidURL("at most 64 sentinels")
        }
        let pathParts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard let name = pathParts.first, !name.isEmpty, pathParts.count <= 2 else {
            throw RedisError.invalidURL("path must be '/<primary name>' or '/<primary name>/<db>'")
        }
        let primaryName = try percentDecode(name, what: "primary name")
        guard primaryName.count <= 255, !primaryName.contains(where: { $0 == " " || $0.isNewline }) else {
            throw RedisError.invalidURL("the primary name must be 1 to 255 characters without spaces")
        }
        var configuration = RedisConfiguration(
            endpoint: .sentinel(RedisSentinelEndpoint(primaryName: primaryName, sentinels: sentinels)),
            username: username, password: password,
            database: try pathParts.count == 2 ? parseDatabase(pathParts.last!) : 0, tls: tls ? RedisTLSConfiguration() : nil)
        try apply(query: query, to: &configuration, allowCredentials: false)
        return configuration
    }

    // MARK: - redis+cluster://

    /// `redis+cluster://[[user]:password@]host[:port][,host[:port]…][/0]`, with the `db` query parameter only as 0;
    /// `rediss+cluster://` the same over TLS to every node, with the `tls_*` parameters.
    private static func parseCluster(_ rest: Substring, tls: Bool) throws -> RedisConfiguration {
        let (beforeQuery, query) = splitQuery(rest)
        let (username, password, hosts, path) = try splitAuthority(beforeQuery)
        let seeds = try hosts.split(separator: ",", omittingEmptySubsequences: false).map { part in
            let (host, port) = try parseHostPort(part)
            return RedisEndpoint.tcp(host: host, port: port)
        }
        guard seeds.count <= 64 else {
            throw RedisError.invalidURL("at most 64 cluster nodes")
        }
        let dbText = path.drop { $0 == "/" }
        var configuration = RedisConfiguration(
            endpoint: .cluster(RedisClusterEndpoint(seeds: seeds)), username: username, password: password,
            database: dbText.isEmpty ? 0 : try parseDatabase(dbText), tls: tls ? RedisTLSConfiguration() : nil)
        try apply(query: query, to: &configuration, allowCredentials: false)
        guard configuration.database == 0 else {
            throw RedisError.invalidURL("a Redis Cluster has only database 0 (SELECT is refused in cluster mode)")
        }
        return configuration
    }

    /// Sets a `sentinel_*` query parameter on the Sentinel endpoint of `configuration`.
    private static func applySentinel(key: String, value: String, to configuration: inout RedisConfiguration) throws {
        guard case .sentinel(var sentinel) = configuration.endpoint else {
            throw RedisError.invalidURL("'\(key)' needs a redis+sentinel:// URL")
        }
        switch key {
        case "sentinel_password":
            sentinel.sentinelPassword = value.isEmpty ? nil : value
        case "sentinel_username":
            sentinel.sentinelUsername = value.isEmpty ? nil : value
        default:
            let shown = key.count <= 24 ? key : String(key.prefix(24)) + "…"
            throw RedisError.invalidURL(
                "unsupported Sentinel parameter '\(shown)'; expected sentinel_password or sentinel_username")
        }
        configuration.endpoint = .sentinel(sentinel)
    }

    private static func parseHostPort(_ text: Substring, defaultPort: Int = 6379) throws -> (String, Int) {
        var host: Substring
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw RedisError.invalidURL("IPv6 address is missing its closing ']'")
            }
            host = text[text.index(after: text.startIndex)..<close]
            let afterBracket = text[text.index(after: close)...]
            if !afterBracket.isEmpty {
                guard afterBracket.hasPrefix(":") else {
                    throw RedisError.invalidURL("unexpected characters after the IPv6 address; expected ':port'")
                }
                portText = afterBracket.dropFirst()
            }
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." || $0 == "%" }) else {
                throw RedisError.invalidURL("invalid IPv6 address in brackets")
            }
        } else {
            let colons = text.filter { $0 == ":" }.count
            if colons > 1 {
                throw RedisError.invalidURL("IPv6 addresses must be written in brackets, e.g. redis://[::1]:6379")
            }
            if let colon = text.firstIndex(of: ":") {
                host = text[..<colon]
                portText = text[text.index(after: colon)...]
            } else {
                host = text
            }
            guard !host.isEmpty else {
                throw RedisError.invalidURL("missing host")
            }
            let allowed = host.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-._".unicodeScalars.contains(scalar))
            }
            guard allowed else {
                throw RedisError.invalidURL("host contains invalid characters")
            }
        }
        var port = defaultPort
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy(\.isASCIIDigit), let value = Int(portText),
                (1...65_535).contains(value)
            else {
                throw RedisError.invalidURL("port must be a number between 1 and 65535")
            }
            port = value
        }
        host = host.lowercased()[...]
        return (String(host), port)
    }

    // MARK: - unix://

    private static func parseUnix(_ rest: Substring) throws -> RedisConfiguration {
        let (beforeQuery, query) = splitQuery(rest)
        var pathPart = beforeQuery
        var username: String?
        var password: String?
        if !beforeQuery.hasPrefix("/") {
            // unix://user:password@/path or unix://localhost/path
            guard let slash = beforeQuery.firstIndex(of: "/") else {
                throw RedisError.invalidURL("unix socket path must be absolute, e.g. unix:///var/run/redis.sock")
            }
            let authority = beforeQuery[..<slash]
            if let at = authority.lastIndex(of: "@") {
                (username, password) = try parseUserInfo(authority[..<at])
                let hostPart = authority[authority.index(after: at)...]
                guard hostPart.isEmpty || hostPart.lowercased() == "localhost" else {
                    throw RedisError.invalidURL("unix socket URLs cannot name a host")
                }
            } else if authority.lowercased() != "localhost" {
                throw RedisError.invalidURL("unix socket URLs cannot name a host; use unix:///path/to/socket")
            }
            pathPart = beforeQuery[slash...]
        }
        let path = try percentDecode(pathPart, what: "socket path")
        guard path.count > 1 else {
            throw RedisError.invalidURL("missing unix socket path")
        }
        var configuration = RedisConfiguration(endpoint: .unixSocket(path: path), username: username, password: password)
        try apply(query: query, to: &configuration, allowCredentials: true)
        return configuration
    }

    // MARK: - Shared pieces

    /// Splits `[user:password@]hosts[/path]` into the decoded credentials, the host part and the path (from its `/`).
    private static func splitAuthority(
        _ text: Substring
    ) throws -> (username: String?, password: String?, hosts: Substring, path: Substring) {
        let authorityEnd = text.firstIndex(of: "/") ?? text.endIndex
        let authority = text[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else {
            return (nil, nil, authority, text[authorityEnd...])
        }
        let (username, password) = try parseUserInfo(authority[..<at])
        return (username, password, authority[authority.index(after: at)...], text[authorityEnd...])
    }

    private static func splitQuery(_ text: Substring) -> (Substring, Substring?) {
        guard let question = text.firstIndex(of: "?") else {
            return (text, nil)
        }
        return (text[..<question], text[text.index(after: question)...])
    }

    private static func parseUserInfo(_ userInfo: Substring) throws -> (String?, String?) {
        guard let colon = userInfo.firstIndex(of: ":") else {
            if userInfo.isEmpty {
                return (nil, nil)
            }
            throw RedisError.invalidURL(
                "user info has no ':'; write redis://:password@host or redis://user:password@host"
            )
        }
        let user = try percentDecode(userInfo[..<colon], what: "user name")
        let password = try percentDecode(userInfo[userInfo.index(after: colon)...], what: "password")
        guard !password.isEmpty else {
            throw RedisError.invalidURL("empty password after ':' in user info")
        }
        return (user.isEmpty ? nil : user, password)
    }

    private static func parseDatabase(_ text: Substring) throws -> Int {
        guard !text.isEmpty, text.count <= 9, text.allSatisfy(\.isASCIIDigit), let value = Int(text) else {
            let shown = text.count <= 12 ? String(text) : String(text.prefix(12)) + "…"
            throw RedisError.invalidURL("database must be a non-negative integer, got '\(shown)'")
        }
        return value
    }

    private static func apply(query: Substring?, to configuration: inout RedisConfiguration, allowCredentials: Bool) throws {
        guard let query, !query.isEmpty else {
            return
        }
        var confirmation = ConfirmationQuery()
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: "=") ?? pair.endIndex
            let key = pair[..<equals].lowercased()
            let rawValue = equals == pair.endIndex ? pair[equals...] : pair[pair.index(after: equals)...]
            switch key {
            case "db":
                configuration.database = try parseDatabase(rawValue)
            case "password" where allowCredentials:
                let value = try percentDecode(rawValue, what: "password")
                configuration.password = value.isEmpty ? nil : value
            case "username" where allowCredentials, "user" where allowCredentials:
                let value = try percentDecode(rawValue, what: "user name")
                configuration.username = value.isEmpty ? nil : value
            case _ where key.hasPrefix("sentinel_"):
                try applySentinel(key: key, value: try percentDecode(rawValue, what: key), to: &configuration)
            case _ where key.hasPrefix("wait_"):
                try confirmation.apply(key: key, value: try percentDecode(rawValue, what: key))
            case _ where key.hasPrefix("tls_"):
                guard configuration.tls != nil else {
                    throw RedisError.invalidURL("'\(key)' needs TLS: use a rediss:// URL")
                }
                try applyTLS(key: key, value: try percentDecode(rawValue, what: key), to: &configuration.tls!)
            default:
                let shown = key.count <= 24 ? key : String(key.prefix(24)) + "…"
                throw RedisError.invalidURL("unsupported query parameter '\(shown)'")
            }
        }
        configuration.replicaConfirmation = try confirmation.make()
        if configuration.username != nil && configuration.password == nil {
            throw RedisError.invalidURL("a user name needs a password")
        }
        if case .sentinel(let sentinel) = configuration.endpoint, sentinel.sentinelUsername != nil,
            sentinel.sentinelPassword == nil
        {
            throw RedisError.invalidURL("a sentinel user name needs a sentinel password")
        }
    }

    /// The `wait_replicas`, `wait_timeout_ms` and `wait_aof` query parameters, read before the
    /// ``RedisReplicaConfirmation`` is made from them.
    private struct ConfirmationQuery {
        var replicas: Int?
        var timeoutMillis: Int64?
        var appendOnlyFile: Bool?

        mutating func apply(key: String, value: String) throws {
            switch key {
            case "wait_replicas":
                guard let count = Int(value), (1...RedisReplicaConfirmation.maxReplicas).contains(count) else {
                    throw RedisError.invalidURL("wait_replicas must be 1 to \(RedisReplicaConfirmation.maxReplicas)")
                }
                replicas = count
            case "wait_timeout_ms":
                let most = RedisReplicaConfirmation.maxTimeout.wholeMilliseconds
                guard let millis = Int64(value), millis >= 1, millis <= most else {
                    throw RedisError.invalidURL("wait_timeout_ms must be 1 to \(most)")
                }
                timeoutMillis = millis
            case "wait_aof":
                switch value.lowercased() {
                case "true", "1", "yes": appendOnlyFile = true
                case "false", "0", "no": appendOnlyFile = false
                default: throw RedisError.invalidURL("wait_aof must be true or false")
                }
            default:
                let shown = key.count <= 24 ? key : String(key.prefix(24)) + "…"
                throw RedisError.invalidURL(
                    "unsupported parameter '\(shown)'; expected wait_replicas, wait_timeout_ms or wait_aof")
            }
        }

        func make() throws -> RedisReplicaConfirmation? {
            guard let replicas else {
                if timeoutMillis != nil || appendOnlyFile != nil {
                    throw RedisError.invalidURL("wait_timeout_ms and wait_aof need wait_replicas")
                }
                return nil
            }
            return try RedisReplicaConfirmation(
                replicas: replicas, timeout: .milliseconds(timeoutMillis ?? 1000), appendOnlyFile: appendOnlyFile ?? false)
        }
    }

    private static func applyTLS(key: String, value: String, to tls: inout RedisTLSConfiguration) throws {
        let path = { (what: String) throws -> String in
            guard !value.isEmpty else { throw RedisError.invalidURL("\(key) needs the path of the \(what)") }
            return value
        }
        switch key {
        case "tls_ca":
            tls.caFile = try path("CA bundle")
        case "tls_cert":
            tls.certificateFile = try path("client certificate")
        case "tls_key":
            tls.privateKeyFile = try path("client private key")
        case "tls_server_name":
            guard !value.isEmpty, value.count <= 253 else {
                throw RedisError.invalidURL("tls_server_name must be a host name of 1 to 253 characters")
            }
            tls.serverName = value
        case "tls_verify_hostname":
            switch value.lowercased() {
            case "true", "1", "yes": tls.verifiesHostname = true
            case "false", "0", "no": tls.verifiesHostname = false
            default: throw RedisError.invalidURL("tls_verify_hostname must be true or false")
            }
        case "tls_min_version":
            guard let version = RedisTLSConfiguration.Version(rawValue: value) else {
                throw RedisError.invalidURL("tls_min_version must be 1.2 or 1.3")
            }
            tls.minimumVersion = version
        default:
            let shown = key.count <= 24 ? key : String(key.prefix(24)) + "…"
            throw RedisError.invalidURL(
                "unsupported TLS parameter '\(shown)'; expected tls_ca, tls_cert, tls_key, tls_server_name, "
                    + "tls_verify_hostname or tls_min_version")
        }
    }

    /// Decodes `%XX` escapes; the decoded bytes must be valid UTF-8. `what` names the field in errors.
    private static func percentDecode(_ text: Substring, what: String) throws -> String {
        guard text.contains("%") else {
            return String(text)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw RedisError.invalidURL("malformed percent-encoding in \(what)")
            }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw RedisError.invalidURL("percent-encoded \(what) is not valid UTF-8")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"):
            return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"):
            return byte - UInt8(ascii: "A") + 10
        default:
            return nil
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool {
        isASCII && isNumber
    }
}

extension String {
    fileprivate func trimmingASCIIWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return self[first...last]
    }
}
