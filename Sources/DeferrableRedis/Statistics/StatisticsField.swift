/// The fields of the statistics hashes: parts joined by NUL, the job name first (it may itself hold a NUL, so the
/// other parts are split off from the end).
enum StatisticsField {
    /// Splits `field` into its first part and its last `count` parts; `nil` when it has fewer parts.
    static func split(_ field: [UInt8], trailing count: Int) -> (name: String, parts: [String])? {
        var end = field.endIndex
        var parts: [String] = []
        for _ in 0..<count {
            guard let separator = field[..<end].lastIndex(of: 0) else { return nil }
            parts.insert(String(decoding: field[(separator + 1)..<end], as: UTF8.self), at: 0)
            end = separator
        }
        return (String(decoding: field[..<end], as: UTF8.self), parts)
    }

    /// The flat field/value list of an `HGETALL` reply, as pairs.
    static func pairs(_ reply: RedisValue) -> [(field: [UInt8], value: Int64)] {
        let elements = reply.array ?? []
        return stride(from: 0, to: elements.count - 1, by: 2).compactMap { index in
            guard let field = elements[index].bytes, let value = elements[index + 1].int else { return nil }
            return (field, value)
        }
    }
}
