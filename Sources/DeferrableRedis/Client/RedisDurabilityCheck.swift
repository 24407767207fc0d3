import Logging

/// Checks that the server is configured so that queued jobs survive: no eviction, and some persistence.
enum RedisDurabilityCheck {
    static let commands = [
        RedisCommand("CONFIG", "GET", "maxmemory-policy"),
        RedisCommand("CONFIG", "GET", "save"),
        RedisCommand("CONFIG", "GET", "appendonly"),
    ]

    /// Runs the check on `connection` and returns the warnings (empty if fine or if it could not be determined).
    ///
    /// Warnings are logged at `warningLevel`; a refused `CONFIG` (ACL, renamed command) is logged at `.debug`.
    static func run(
        on connection: RedisConnection,
        timeout: Duration,
        logger: Logger,
        warningLevel: Logger.Level
    ) async -> [String] {
        let results: [Result<RedisValue, RedisError>]
        do {
            results = try await connection.pipeline(commands, timeout: timeout)
        } catch {
            logger.debug("Could not check Redis durability settings", metadata: ["redis.error": "\(RedisConnection.redisError(error))"])
            return []
        }
        var values: [String] = []
        for result in results {
            switch result {
            case .success(let value):
                guard let pair = value.array, pair.count >= 2, let setting = pair[1].string else {
                    logger.debug("Unexpected CONFIG GET reply while checking durability settings")
                    return []
                }
                values.append(setting)
            case .failure(let error):
                logger.debug("CONFIG GET not permitted; skipping durability check", metadata: ["redis.error": "\(error)"])
                return []
            }
        }
        let warnings = warnings(maxmemoryPolicy: values[0], save: values[1], appendonly: values[2])
        for warning in warnings {
            logger.log(level: warningLevel, "\(warning)", metadata: ["redis.endpoint": "\(connection.endpoint)"])
        }
        return warnings
    }

    /// The warnings for the given `CONFIG GET` values.
    static func warnings(maxmemoryPolicy: String, save: String, appendonly: String) -> [String] {
        var warnings: [String] = []
        if maxmemoryPolicy != "noeviction" {
            warnings.append(
                "Redis maxmemory-policy is '\(maxmemoryPolicy)', not 'noeviction': keys may be evicted, jobs can be lost"
            )
        }
        if save.trimmingSpaces.isEmpty && appendonly == "no" {
            warnings.append(
                "Redis persistence is off (save is empty and appendonly is no): jobs are lost if Redis restarts"
            )
        }
        return warnings
    }
}

extension String {
    fileprivate var trimmingSpaces: Substring {
        let trimmedFront = drop { $0 == " " }
        return trimmedFront.dropLast(trimmedFront.reversed().prefix { $0 == " " }.count)
    }
}
