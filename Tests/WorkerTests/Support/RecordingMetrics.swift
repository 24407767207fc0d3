import CoreMetrics
import Synchronization

/// A `MetricsFactory` that keeps every value, keyed by label and sorted dimensions.
final class RecordingMetrics: MetricsFactory, Sendable {
    struct Key: Hashable, CustomStringConvertible {
        let label: String
        let dimensions: [String]

        init(_ label: String, _ dimensions: [(String, String)]) {
            self.label = label
            self.dimensions = dimensions.map { "\($0.0)=\($0.1)" }.sorted()
        }

        var description: String { "\(label){\(dimensions.joined(separator: ","))}" }
    }

    private struct Store {
        var counters: [Key: Int64] = [:]
        var meters: [Key: Double] = [:]
        var timers: [Key: [Int64]] = [:]
        var recorders: [Key: [Double]] = [:]
    }

    private let store = Mutex(Store())

    func counter(_ label: String, _ dimensions: [(String, String)]) -> Int64 {
        store.withLock { $0.counters[Key(label, dimensions)] ?? 0 }
    }

    /// Sum of a counter over every dimension set.
    func counterTotal(_ label: String) -> Int64 {
        store.withLock { $0.counters.filter { $0.key.label == label }.values.reduce(0, +) }
    }

    func meter(_ label: String, _ dimensions: [(String, String)]) -> Double? {
        store.withLock { $0.meters[Key(label, dimensions)] }
    }

    func timer(_ label: String, _ dimensions: [(String, String)]) -> [Int64] {
        store.withLock { $0.timers[Key(label, dimensions)] ?? [] }
    }

    var allKeys: [String] {
        store.withLock { store in
            (store.counters.keys.map(\.description) + store.meters.keys.map(\.description) + store.timers.keys.map(\.description))
                .sorted()
        }
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        Handler(factory: self, key: Key(label, dimensions))
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        Handler(factory: self, key: Key(label, dimensions))
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        Handler(factory: self, key: Key(label, dimensions))
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        Handler(factory: self, key: Key(label, dimensions))
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        Handler(factory: self, key: Key(label, dimensions))
    }

    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyMeter(_ handler: any MeterHandler) {}
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}

    final class Handler: CounterHandler, FloatingPointCounterHandler, MeterHandler, RecorderHandler, TimerHandler {
        let factory: RecordingMetrics
        let key: Key

        init(factory: RecordingMetrics, key: Key) {
            self.factory = factory
            self.key = key
        }

        func increment(by amount: Int64) { factory.store.withLock { $0.counters[key, default: 0] += amount } }
        func increment(by amount: Double) { factory.store.withLock { $0.meters[key, default: 0] += amount } }
        func decrement(by amount: Double) { factory.store.withLock { $0.meters[key, default: 0] -= amount } }
        func set(_ value: Int64) { factory.store.withLock { $0.meters[key] = Double(value) } }
        func set(_ value: Double) { factory.store.withLock { $0.meters[key] = value } }
        func record(_ value: Int64) { factory.store.withLock { $0.recorders[key, default: []].append(Double(value)) } }
        func record(_ value: Double) { factory.store.withLock { $0.recorders[key, default: []].append(value) } }
        func recordNanoseconds(_ duration: Int64) { factory.store.withLock { $0.timers[key, default: []].append(duration) } }
        func reset() { factory.store.withLock { $0.counters[key] = 0 } }
    }
}
