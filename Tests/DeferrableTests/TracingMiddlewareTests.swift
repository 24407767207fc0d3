import Deferrable
import DeferrableTestSupport
import InMemoryTracing
import Testing
import Tracing

/// Tracing through swift-distributed-tracing, checked with its in-memory tracer.
@Suite("Tracing middleware")
struct TracingMiddlewareTests {
    struct Boom: Error {}

    @Test("a push span's context travels in the metadata; the run span is a consumer span linked to it")
    func pushAndRun() async throws {
        let tracer = InMemoryTracer()
        let harness = try Harness()
        harness.deferrable.addMiddleware(TracingMiddleware(tracer: tracer))
        let handle = try harness.deferrable.register("traced") { (_: Payload, _) in }
        let receipt = try await handle.later(Payload(n: 1))
        #expect(try await harness.run().label == "completed")
        let spans = tracer.finishedSpans
        let push = try #require(spans.first { $0.operationName == "deferrable.push traced" })
        let run = try #require(spans.first { $0.operationName == "deferrable.run traced" })
        #expect(push.kind == .producer)
        #expect(run.kind == .consumer)
        #expect(push.attributes["job.id"]?.toSpanAttribute() == receipt.id.toSpanAttribute())
        #expect(run.attributes["job.attempt"]?.toSpanAttribute() == 1.toSpanAttribute())
        #expect(run.attributes["job.group"]?.toSpanAttribute() == harness.group.toSpanAttribute())
        let link = try #require(run.links.first)
        #expect(link.context.inMemorySpanContext?.spanID == push.spanID, "the run links to the push span")
    }

    @Test("a run that throws records the error and sets the span's status")
    func failedRun() async throws {
        let tracer = InMemoryTracer()
        let harness = try Harness()
        harness.deferrable.addMiddleware(TracingMiddleware(tracer: tracer))
        let handle = try harness.deferrable.register("fails") { (_: Payload, _) in throw Boom() }
        try await handle.later(Payload(n: 1))
        #expect(try await harness.run().label == "failed")
        let run = try #require(tracer.finishedSpans.first { $0.operationName == "deferrable.run fails" })
        #expect(run.errors.count == 1)
        #expect(run.status?.code == .error)
    }
}
