import Foundation

/// Options of a registered job after instance defaults were applied and fixed values validated.
struct ResolvedJobOptions: Sendable {
    var maxAttempts: Int
    var retry: RetryPolicy
    var backoff: Backoff
    var delay: DurationSetting?
    var ttl: DurationSetting?
    var timeLimit: Duration?
    var debounce: Debounce?
    /// How long the result of a job that returns a value is kept.
    var resultTTL: Duration
    /// The error types its futures re-raise.
    var resultErrors: CodableJobErrorRegistry
    var circuitBreaker: CircuitBreaker?
    var unique: Uniqueness?
    /// The id one push chose (``PushOptions/id``); `nil` in a registration.
    var jobID: String?
    /// Whether a push takes its id only if it is free (``IdempotentJobQueue``): a chosen id or a unique job.
    var claimsID: Bool { jobID != nil || unique != nil }

    init(name: String, options: JobOptions, defaults: JobDefaults) throws(DeferrableError) {
        maxAttempts = options.maxAttempts ?? defaults.maxAttempts
        retry = options.retry ?? defaults.retry
        backoff = options.backoff ?? defaults.backoff
        delay = options.delay
        ttl = options.ttl
        timeLimit = options.timeLimit ?? defaults.timeLimit
        debounce = options.debounce
        resultTTL = options.resultTTL ?? defaults.resultTTL
        resultErrors = CodableJobErrorRegistry(options.resultErrors)
        circuitBreaker = options.circuitBreaker
        unique = options.unique
        if let problem = unique?.problem { throw .invalidOption(job: name, reason: problem) }
        if let problem = OptionBounds.problem(resultTTL: resultTTL) { throw .invalidOption(job: name, reason: problem) }
        if let problem = OptionBounds.problem(maxAttempts: maxAttempts) { throw .invalidOption(job: name, reason: problem) }
        if let timeLimit, let problem = OptionBounds.problem(timeLimit: timeLimit) { throw .invalidOption(job: name, reason: problem) }
        let fixedDelay = delay.flatMap { $0.isComputed ? nil : $0.resolve() }
        let fixedTTL = ttl.flatMap { $0.isComputed ? nil : $0.resolve() }
        try Self.validate(name: name, delay: fixedDelay, ttl: fixedTTL)
        if let debounce {
            guard unique == nil else {
                throw .invalidOption(job: name, reason: "unique and debounce cannot be combined (debounce decides which copy runs)")
            }
            guard delay == nil else {
                throw .invalidOption(job: name, reason: "delay and debounce cannot be combined (debounce decides the delay)")
            }
            if !debounce.window.isComputed {
                try Self.validate(name: name, debounceWindow: debounce.window.resolve(), mode: debounce.mode, ttl: fixedTTL)
            }
        }
    }

    /// Checks a delay/TTL pair: no negative delay, a positive TTL, neither longer than
    /// ``EnvelopeBounds/longestDuration``, and no delay longer than the TTL.
    static func validate(name: String, delay: Duration?, ttl: Duration?) throws(DeferrableError) {
        if let delay, delay < .zero {
            throw .invalidOption(job: name, reason: "delay must not be negative (got \(delay))")
        }
        if let ttl, ttl <= .zero {
            throw .invalidOption(job: name, reason: "ttl must be positive (got \(ttl))")
        }
        if let delay, let problem = OptionBounds.problem(atMostLongest: delay, named: "delay") {
            throw .invalidOption(job: name, reason: problem)
        }
        if let ttl, let problem = OptionBounds.problem(atMostLongest: ttl, named: "ttl") {
            throw .invalidOption(job: name, reason: problem)
        }
        if let delay, let ttl, delay > ttl {
            throw .invalidOption(job: name, reason: "delay (\(delay)) is longer than ttl (\(ttl)): the job would always expire")
        }
    }

    /// Checks a debounce window and mode: a positive window no longer than the TTL; for `extend`, a maximum wait
    /// of at least one window, and, when the job has a TTL, a maximum wait no longer than it (a run pushed back
    /// past the TTL would expire, and every call that joined it would be lost). Neither may be longer than
    /// ``EnvelopeBounds/longestDuration``.
    static func validate(name: String, debounceWindow: Duration, mode: Debounce.Mode, ttl: Duration?) throws(DeferrableError) {
        guard debounceWindow > .zero else {
            throw .invalidOption(job: name, reason: "the debounce window must be positive (got \(debounceWindow))")
        }
        if let problem = OptionBounds.problem(atMostLongest: debounceWindow, named: "the debounce window") {
            throw .invalidOption(job: name, reason: problem)
        }
        if let ttl, debounceWindow > ttl {
            throw .invalidOption(job: name, reason: "the debounce window (\(debounceWindow)) is longer than ttl (\(ttl))")
        }
        guard case .extend(let maxWait) = mode else { return }
        if let maxWait, let problem = OptionBounds.problem(atMostLongest: maxWait, named: "the extend debounce's maxWait") {
            throw .invalidOption(job: name, reason: problem)
        }
        if let maxWait, maxWait < debounceWindow {
            throw .invalidOption(
                job: name, reason: "the extend debounce's maxWait (\(maxWait)) is shorter than its window (\(debounceWindow))")
        }
        if let ttl {
            guard let maxWait, maxWait <= ttl else {
                throw .invalidOption(
                    job: name,
                    reason: "an extend debounce on a job with a ttl needs a maxWait no longer than the ttl (\(ttl))")
            }
        }
    }
}

/// What the body of a job that returns a value gave back, encoded.
enum ReturnedValue: Sendable {
    /// The value's JSON.
    case json([UInt8])
    /// The value could not be encoded.
    case notEncodable(String)
    /// The consumer's registration of the job returns nothing.
    case nothing
}

/// A registered job with its argument type erased.
struct JobRegistration: Sendable {
    /// Decodes arguments and returns the run of the body on them; a run gives the encoded value of a job that returns
    /// one, `nil` for a job that returns nothing.
    typealias Prepare = @Sendable ([UInt8]) throws -> @Sendable (JobContext) async throws -> ReturnedValue?

    let name: String
    /// The options; a push with ``PushOptions`` works on a copy with them applied.
    var options: ResolvedJobOptions
    /// Whether the body returns a value (its envelopes then carry a result TTL).
    let returnsValue: Bool
    /// The argument type's identity, so that one name cannot be pushed with two types from one instance.
    var argumentType: ObjectIdentifier? = nil
    /// `false` for a job this instance only pushes (``Deferrable/producer(for:)``): a consumer of this instance treats
    /// it as not registered.
    var runsHere = true
    let prepare: Prepare

    static func make<Args: Codable & Sendable>(
        name: String,
        options: ResolvedJobOptions,
        body: @escaping @Sendable (Args, JobContext) async throws -> Void
    ) -> JobRegistration {
        JobRegistration(name: name, options: options, returnsValue: false, argumentType: ObjectIdentifier(Args.self)) { bytes in
            let args = try ArgumentsDecoder.decode(Args.self, from: bytes)
            return { context in
                try await body(args, context)
                return nil
            }
        }
    }

    static func make<Args: Codable & Sendable, Value: Codable & Sendable>(
        name: String,
        options: ResolvedJobOptions,
        returning body: @escaping @Sendable (Args, JobContext) async throws -> Value
    ) -> JobRegistration {
        JobRegistration(name: name, options: options, returnsValue: true, argumentType: ObjectIdentifier(Args.self)) { bytes in
            let args = try ArgumentsDecoder.decode(Args.self, from: bytes)
            return { context in
                let value = try await body(args, context)
                do {
                    return .json(try CanonicalJSONEncoder.encode(value))
                } catch {
                    return .notEncodable(String(describing: error))
                }
            }
        }
    }

    /// A job pushed from this instance and run elsewhere: no body here.
    static func pushOnly<Args: Codable & Sendable>(name: String, options: ResolvedJobOptions, argumentType: Args.Type)
        -> JobRegistration
    {
        JobRegistration(
            name: name, options: options, returnsValue: false, argumentType: ObjectIdentifier(Args.self), runsHere: false
        ) { _ in
            throw DeferrableError.invalidOption(job: name, reason: "this instance only pushes the job; its body is registered elsewhere")
        }
    }
}
