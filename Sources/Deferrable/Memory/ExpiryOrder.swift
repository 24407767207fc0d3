import DequeModule
import HeapModule

/// Items ordered by expiry, earliest first: a FIFO for items that arrive in expiry order (records stored with one TTL
/// on a clock that does not go back, the common case: O(1) per item), a heap for the others.
struct ExpiryOrder {
    private var inOrder = Deque<MemoryGroupState.TimedID>()
    private var outOfOrder = Heap<MemoryGroupState.TimedID>()

    var count: Int { inOrder.count + outOfOrder.count }

    /// The earliest item.
    var min: MemoryGroupState.TimedID? {
        switch (inOrder.first, outOfOrder.min) {
        case (let first?, let other?): Swift.min(first, other)
        case (let first?, nil): first
        case (nil, let other): other
        }
    }

    mutating func insert(_ item: MemoryGroupState.TimedID) {
        if let last = inOrder.last, item < last {
            outOfOrder.insert(item)
        } else {
            inOrder.append(item)
        }
    }

    /// Removes and returns the earliest item.
    mutating func popMin() -> MemoryGroupState.TimedID? {
        switch (inOrder.first, outOfOrder.min) {
        case (let first?, let other?): first < other ? inOrder.removeFirst() : outOfOrder.removeMin()
        case (.some, nil): inOrder.removeFirst()
        case (nil, .some): outOfOrder.removeMin()
        case (nil, nil): nil
        }
    }

    /// Keeps only the items `keep` accepts, with storage sized to them.
    mutating func filter(_ keep: (MemoryGroupState.TimedID) -> Bool) {
        inOrder = Deque(inOrder.filter(keep))
        outOfOrder = Heap(outOfOrder.unordered.filter(keep))
    }
}
