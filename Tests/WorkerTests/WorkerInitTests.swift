import Deferrable
import Testing

@Suite("Worker initialisation")
struct WorkerInitTests {
    @Test("a worker over no instance throws noInstances")
    func emptyInstances() {
        #expect(throws: DeferrableError.noInstances) { try Worker([]) }
    }

    @Test("a worker over instances keeps them in order")
    func instancesKept() throws {
        let factory = MemoryBackendFactory()
        let instances = try ["a", "b"].map { try Deferrable(factory: factory, group: $0) }
        let worker = try Worker(instances)
        #expect(worker.deferrables.map(\.group) == ["a", "b"])
    }
}
