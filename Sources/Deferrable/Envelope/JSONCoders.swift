import Foundation

/// Shared JSON coders (both types are `Sendable`). Creating a coder per job showed up in profiles; these are
/// configured once and never changed, so one of each serves every task.
enum JSONCoders {
    /// Sorted keys: arguments are canonical, so equal values give equal bytes (and equal debounce keys).
    static let canonicalEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    static let decoder = JSONDecoder()
}
