import ArgumentParser
import Deferrable
import DeferrableRedis
import Logging

/// The circuit a control command changes, by name.
struct BreakerName: ParsableArguments {
    @Argument(help: "The breaker's name.")
    var name: String

    /// Applies `control` to the circuit through `redis` and prints what was done.
    func apply(_ control: CircuitControl, redis: RedisOptions, done: String) async throws {
        try await redis.withFactory { factory in
            var logger = Logger(label: "deferrable.cli")
            logger.logLevel = .critical
            let breaker: CircuitBreaker
            do {
                breaker = try CircuitBreaker(
                    name: name, policy: try CircuitBreakerPolicy(), store: RedisCircuitBreakerStore(factory: factory), logger: logger)
            } catch {
                throw CLIError.usage("\(error)")
            }
            try await breaker.apply(control)
        }
        Output.line("\(done) circuit '\(name)'")
    }
}

/// `deferrable breakers hold NAME [--closed]`.
struct BreakersHoldCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold", abstract: "Hold a circuit open (every call rejected) or, with --closed, closed (every call let through).")

    @OptionGroup var redis: RedisOptions
    @OptionGroup var breaker: BreakerName

    @Flag(help: "Hold it closed instead of open.")
    var closed = false

    func run() async throws {
        try await breaker.apply(closed ? .holdClosed : .holdOpen, redis: redis, done: closed ? "held closed" : "held open")
    }
}

/// `deferrable breakers release NAME`.
struct BreakersReleaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release", abstract: "Release a hold; the circuit carries on from its counted state.")

    @OptionGroup var redis: RedisOptions
    @OptionGroup var breaker: BreakerName

    func run() async throws {
        try await breaker.apply(.release, redis: redis, done: "released")
    }
}

/// `deferrable breakers reset NAME`.
struct BreakersResetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset", abstract: "Remove any hold and start the circuit closed with no counts.")

    @OptionGroup var redis: RedisOptions
    @OptionGroup var breaker: BreakerName

    func run() async throws {
        try await breaker.apply(.reset, redis: redis, done: "reset")
    }
}
