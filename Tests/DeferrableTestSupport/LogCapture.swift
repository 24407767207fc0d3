import Logging
import Synchronization

/// Collects every log record (level, label, message, metadata) in memory, for assertions on logs.
public final class LogCapture: Sendable {
    /// One captured record.
    public struct Record: Sendable {
        public let level: Logger.Level
        public let label: String
        public let message: String
        public let metadata: [String: String]

        /// The record as one line of text.
        public var text: String {
            "\(level) \(label) \(message) "
                + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
    }

    private let records = Mutex<[Record]>([])

    /// Creates an empty capture.
    public init() {}

    /// Every record so far, oldest first.
    public var all: [Record] { records.withLock { $0 } }

    /// A logger whose records land here.
    public func logger(label: String = "test", level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: label) { label in Handler(capture: self, label: label) }
        logger.logLevel = level
        return logger
    }

    /// Records with exactly this message (and level, when given).
    public func records(_ message: String, level: Logger.Level? = nil) -> [Record] {
        all.filter { $0.message == message && (level == nil || $0.level == level) }
    }

    func append(_ record: Record) {
        records.withLock { $0.append(record) }
    }

    struct Handler: LogHandler {
        let capture: LogCapture
        let label: String
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var merged = metadata
            if let extra = event.metadata { merged.merge(extra) { $1 } }
            capture.append(
                Record(level: event.level, label: label, message: "\(event.message)", metadata: merged.mapValues { "\($0)" }))
        }
    }
}
