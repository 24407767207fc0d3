import InMemoryLogging
import Logging

extension InMemoryLogHandler {
    /// A logger whose records land in this handler (every logger made here shares its entries).
    public func logger(label: String = "test", level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: label) { _ in self }
        logger.logLevel = level
        return logger
    }

    /// Entries with exactly this message (and level, when given), oldest first.
    public func records(_ message: String, level: Logger.Level? = nil) -> [Entry] {
        entries.filter { $0.message.description == message && (level == nil || $0.level == level) }
    }
}

extension InMemoryLogHandler.Entry {
    /// The entry as one line of text: level, message and metadata sorted by key.
    public var text: String {
        "\(level) \(message) " + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }
}
