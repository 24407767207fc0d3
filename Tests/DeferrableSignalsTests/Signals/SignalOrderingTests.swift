import DeferrableTestSupport
import Testing

@testable import DeferrableSignals

/// The order in which listeners are reached, and connecting and disconnecting.
@Suite("Signals: ordering")
struct SignalOrderingTests {
    @Test("listeners run by priority, higher first, then in order of connection")
    func priorityThenConnection() async throws {
        let signal = makeSignal(of: (Int.self, Void.self))
        let order = Locked<[String]>([])
        for (name, priority) in [("a", 0), ("b", 10), ("c", 0), ("d", 5), ("e", 10), ("f", -1)] {
            signal.connect(name, priority: priority) { _ in order.withLock { $0.append(name) } }
        }
        let delivery = try await signal.send(1)
        #expect(order.value == ["b", "e", "d", "a", "c", "f"])
        #expect(delivery.results.map(\.listener.name) == ["b", "e", "d", "a", "c", "f"])
        #expect(signal.listeners.map(\.name) == ["b", "e", "d", "a", "c", "f"])
        #expect(delivery.succeeded)
    }

    @Test("listeners connected from many tasks at once keep priority, then connection order")
    func concurrentConnections() async throws {
        let signal = makeSignal(of: (Int.self, Int.self))
        var random = SplitMix64(seed: 21)
        let priorities = (0..<400).map { _ in Int(random.next() % 5) }
        let tokens = await withTaskGroup(of: (Int, ListenerToken).self) { group in
            for (index, priority) in priorities.enumerated() {
                group.addTask { (index, signal.connect("l\(index)", priority: priority) { _ in index }) }
            }
            var tokens: [Int: ListenerToken] = [:]
            for await (index, token) in group { tokens[index] = token }
            return tokens
        }
        // The connection order is the order in which the tokens were handed out.
        let expected = priorities.indices.sorted {
            (priorities[$0], tokens[$1]!.sequence) > (priorities[$1], tokens[$0]!.sequence)
        }
        let collection = try await signal.collect(0)
        #expect(collection.responses.map(\.response) == expected)
        let sends = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<8 { group.addTask { try await signal.send(0).responses } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(sends.allSatisfy { $0 == expected })
    }

    @Test("a delivery reaches the listeners connected when it started; disconnect takes effect on the next")
    func snapshotPerDelivery() async throws {
        let signal = makeSignal(of: (Int.self, String.self))
        let later = Locked<ListenerToken?>(nil)
        signal.connect("first", priority: 1) { _ in
            if let token = later.value { signal.disconnect(token) }
            signal.connect("added") { _ in "added" }
            return "first"
        }
        later.withLock { $0 = signal.connect("second") { _ in "second" } }
        #expect(try await signal.send(1).responses == ["first", "second"])
        #expect(try await signal.send(2).responses == ["first", "added"])
        #expect(signal.disconnect(later.value!) == false)
    }

    @Test("a token of another signal does not disconnect anything")
    func foreignToken() {
        let one = makeSignal(of: (Int.self, Int.self))
        let other = makeSignal(of: (Int.self, Int.self))
        let token = one.connect("x") { $0 }
        other.connect("y") { $0 }
        #expect(other.disconnect(token) == false)
        #expect(other.listeners.count == 1)
        #expect(one.disconnect(token))
        #expect(one.listeners.isEmpty)
    }
}
