/// Comparison of secrets whose duration does not depend on where they differ.
enum ConstantTime {
    /// Whether `candidate` equals `secret`. Every byte of `candidate` is compared (against `secret`'s bytes, cycled),
    /// so the time taken depends only on the candidate's length, never on the position of the first difference.
    static func equals(_ candidate: String, _ secret: String) -> Bool {
        let candidateBytes = Array(candidate.utf8)
        let secretBytes = Array(secret.utf8)
        guard !secretBytes.isEmpty else { return false }
        var difference: UInt8 = candidateBytes.count == secretBytes.count ? 0 : 1
        for (index, byte) in candidateBytes.enumerated() {
            difference |= byte ^ secretBytes[index % secretBytes.count]
        }
        return difference == 0
    }
}
