import Foundation

/// The shared Foundation decoder of job arguments (`Sendable`, default strategies), used by ``ArgumentsDecoder`` for
/// the texts and numbers it leaves to Foundation. It is configured once and never changed, so it serves every task.
/// Arguments are encoded by ``CanonicalJSONEncoder``.
enum JSONCoders {
    static let decoder = JSONDecoder()
}
