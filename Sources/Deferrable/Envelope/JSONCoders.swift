import Foundation

/// The shared Foundation decoder of job arguments (`Sendable`), used by ``ArgumentsDecoder`` for whatever its fast
/// path leaves to Foundation. Creating a decoder per job showed up in profiles; this one is configured once and never
/// changed, so it serves every task. Arguments are encoded by ``CanonicalJSONEncoder``.
enum JSONCoders {
    static let decoder = JSONDecoder()
}
