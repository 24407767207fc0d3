/// A page of a list: `?offset=&limit=`, range-checked.
struct Pagination: Sendable, Equatable {
    /// The most rows a page shows.
    static let maxLimit = 100
    /// The largest offset accepted.
    static let maxOffset = 1_000_000
    /// Rows per page when the request names no limit.
    static let defaultLimit = 20

    /// Rows skipped.
    let offset: Int
    /// Rows shown, `1 ... maxLimit`.
    let limit: Int

    init(offset: Int = 0, limit: Int = Pagination.defaultLimit) {
        self.offset = min(max(offset, 0), Self.maxOffset)
        self.limit = min(max(limit, 1), Self.maxLimit)
    }

    /// Reads `offset` and `limit` from query values: absent values take the defaults, a limit above
    /// ``maxLimit`` is clamped to it.
    /// - Throws: ``DashboardRequestError/badRequest(_:)`` when a value is not a decimal number, `offset` is negative
    ///   or above ``maxOffset``, or `limit` is below 1.
    init(offset offsetText: String?, limit limitText: String?) throws(DashboardRequestError) {
        var offset = 0
        if let offsetText {
            guard let value = QueryNumber.parse(offsetText), value <= Self.maxOffset else {
                throw .badRequest("offset must be a whole number from 0 to \(Self.maxOffset)")
            }
            offset = value
        }
        var limit = Self.defaultLimit
        if let limitText {
            guard let value = QueryNumber.parse(limitText), value >= 1 else {
                throw .badRequest("limit must be a whole number from 1 to \(Self.maxLimit)")
            }
            limit = min(value, Self.maxLimit)
        }
        self.init(offset: offset, limit: limit)
    }

    /// The page before this one, `nil` on the first page.
    var previous: Pagination? {
        offset == 0 ? nil : Pagination(offset: offset - min(offset, limit), limit: limit)
    }

    /// The page after this one, when `total` rows exist (`nil` on the last page); with `total` unknown, the next page
    /// exists when this one is full (`shown == limit`).
    func next(total: Int?, shown: Int) -> Pagination? {
        let end = offset + shown
        if let total { return end < total && end <= Self.maxOffset ? Pagination(offset: end, limit: limit) : nil }
        return shown == limit && end <= Self.maxOffset ? Pagination(offset: end, limit: limit) : nil
    }

    /// The rows of `items` on this page.
    func slice<T>(_ items: [T]) -> ArraySlice<T> {
        let start = min(offset, items.count)
        return items[start..<min(start + limit, items.count)]
    }
}
