import Foundation

/// The shared JSON decoder of job arguments (`Sendable`). Creating a decoder per job showed up in profiles; this one is
/// configured once and never changed, so it serves every task. Arguments are encoded by ``CanonicalJSONEncoder``.
enum JSONCoders {
    static let decoder = JSONDecoder()
}
