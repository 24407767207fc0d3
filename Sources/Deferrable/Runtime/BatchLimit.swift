/// The bounds of one batch: at most `maxCount` items and about `maxBytes` bytes, but always at least one item, so
/// that a single item over the byte bound still goes out (alone).
package struct BatchLimit: Sendable {
    package let maxCount: Int
    package let maxBytes: Int

    package init(maxCount: Int, maxBytes: Int = .max) {
        self.maxCount = max(1, maxCount)
        self.maxBytes = maxBytes
    }

    /// How many of the leading `items` fit in one batch (at least one when `items` is not empty).
    package func fittingCount<Items: Collection>(of items: Items, size: (Items.Element) -> Int) -> Int {
        var count = 0
        var bytes = 0
        for item in items.prefix(maxCount) {
            bytes += size(item)
            if count > 0, bytes > maxBytes { break }
            count += 1
        }
        return count
    }

    /// `items` split into consecutive batches, in order.
    package func split<Items: Collection>(_ items: Items, size: (Items.Element) -> Int) -> [Items.SubSequence] {
        var batches: [Items.SubSequence] = []
        var rest = items[...]
        while !rest.isEmpty {
            let count = fittingCount(of: rest, size: size)
            batches.append(rest.prefix(count))
            rest = rest.dropFirst(count)
        }
        return batches
    }
}
