import OrderedCollections
import Synchronization
import Tracing

/// Traces jobs with swift-distributed-tracing: a producer span per push, whose context travels in the envelope's
/// metadata, and a consumer span per run, linked to it.
///
/// - The push span (`deferrable.push <name>`, kind producer) starts in the caller's task-local context and ends when
///   the push returned; a failed push records its error. Its context is injected into the metadata under keys
///   `trace.<key>` (for W3C trace context: `trace.traceparent`, `trace.tracestate`).
/// - The run span (`deferrable.run <name>`, kind consumer) starts in the consumer's context and links to the push's
///   context. Both carry `job.id`, `job.name` and `job.group`; the run span also `job.attempt`. A run that throws
///   records the error and sets the span's status to error.
///
/// ```swift
/// deferrable.addMiddleware(TracingMiddleware())   // the tracer bootstrapped in InstrumentationSystem
/// ```
public struct TracingMiddleware: JobMiddleware {
    /// The prefix of the metadata keys that carry the push's trace context.
    public static let metadataPrefix = "trace."

    private let startSpan: @Sendable (String, ServiceContext, SpanKind) -> any Span
    private let inject: @Sendable (ServiceContext, inout [String: String]) -> Void
    private let extract: @Sendable ([String: String], inout ServiceContext) -> Void
    private let openPushes = OpenPushSpans()

    /// Traces with the tracer bootstrapped in `InstrumentationSystem`.
    public init() {
        startSpan = { name, context, kind in Tracing.startSpan(name, context: context, ofKind: kind) }
        inject = { context, carrier in InstrumentationSystem.instrument.inject(context, into: &carrier, using: MetadataInjector()) }
        extract = { carrier, context in InstrumentationSystem.instrument.extract(carrier, into: &context, using: MetadataExtractor()) }
    }

    /// Traces with `tracer` (a test's in-memory tracer, for example).
    public init<T: Tracer>(tracer: T) {
        startSpan = { name, context, kind in tracer.startSpan(name, context: context, ofKind: kind) }
        inject = { context, carrier in tracer.inject(context, into: &carrier, using: MetadataInjector()) }
        extract = { carrier, context in tracer.extract(carrier, into: &context, using: MetadataExtractor()) }
    }

    public func willPush(_ envelope: inout JobEnvelope) throws {
        let span = startSpan("deferrable.push \(envelope.name)", .current ?? .topLevel, .producer)
        Self.describe(span, envelope)
        var carrier: [String: String] = [:]
        inject(span.context, &carrier)
        for (key, value) in carrier { envelope.metadata[Self.metadataPrefix + key] = value }
        openPushes.add(span, id: envelope.id)
    }

    public func didPush(_ envelope: JobEnvelope, error: (any Error)?) async {
        guard let span = openPushes.remove(id: envelope.id) else { return }
        if let error {
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error))
        }
        span.end()
    }

    public func run(_ envelope: JobEnvelope, context: JobContext, next: () async throws -> Void) async throws {
        var carrier: [String: String] = [:]
        for (key, value) in envelope.metadata where key.hasPrefix(Self.metadataPrefix) {
            carrier[String(key.dropFirst(Self.metadataPrefix.count))] = value
        }
        let span = startSpan("deferrable.run \(envelope.name)", .current ?? .topLevel, .consumer)
        if !carrier.isEmpty {
            var pushed = ServiceContext.topLevel
            extract(carrier, &pushed)
            span.addLink(SpanLink(context: pushed, attributes: [:]))
        }
        Self.describe(span, envelope)
        span.attributes["job.attempt"] = context.attempt
        defer { span.end() }
        do {
            try await ServiceContext.withValue(span.context) { try await next() }
        } catch {
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error))
            throw error
        }
    }

    private static func describe(_ span: any Span, _ envelope: JobEnvelope) {
        span.attributes["job.id"] = envelope.id
        span.attributes["job.name"] = envelope.name
        span.attributes["job.group"] = envelope.group
    }
}

/// Push spans from `willPush` to `didPush`, by job id. Bounded: past ``capacity`` (pushes whose preparation failed
/// after the span began never reach `didPush`) the oldest are ended and dropped.
final class OpenPushSpans: Sendable {
    static let capacity = 10_000

    /// In the order the spans began.
    private let spans = Mutex<OrderedDictionary<String, any Span>>([:])

    func add(_ span: any Span, id: String) {
        let evicted = spans.withLock { spans -> [any Span] in
            spans[id] = span
            var evicted: [any Span] = []
            while spans.count > Self.capacity { evicted.append(spans.removeFirst().value) }
            return evicted
        }
        for span in evicted { span.end() }
    }

    func remove(id: String) -> (any Span)? {
        spans.withLock { $0.removeValue(forKey: id) }
    }
}

/// Writes trace context into a metadata dictionary.
struct MetadataInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
        carrier[key] = value
    }
}

/// Reads trace context from a metadata dictionary.
struct MetadataExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? {
        carrier[key]
    }
}
