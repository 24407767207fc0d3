import Foundation

/// A value built by ``CanonicalJSONEncoder`` before it is written.
///
/// Containers are boxes, because `Encodable` code may keep a container and fill it after asking for a sibling.
enum CanonicalJSONNode {
    case null
    case bool(Bool)
    case signed(Int64)
    case unsigned(UInt64)
    /// A number already in its JSON text (floating point, `Decimal`).
    case number(String)
    case string(String)
    case object(Object)
    case array(Array)
    /// The value a ``CanonicalJSONEncoder`` hands out with `superEncoder()` will hold once its user is done.
    case deferred(CanonicalJSONEncoder.Impl)

    /// A keyed container's members, kept sorted by the UTF-8 bytes of their keys (as `JSONEncoder`'s `.sortedKeys`).
    final class Object {
        private(set) var members: [(key: String, value: CanonicalJSONNode)] = []

        /// Sets a member; a key set again gets the new value (the last one wins, as with `JSONEncoder`).
        ///
        /// Sorted as they arrive, so writing needs no sort: an object has few members, and the place of a new one is
        /// found from the end.
        func set(_ key: String, _ value: CanonicalJSONNode) {
            if members.isEmpty { members.reserveCapacity(4) }  // one allocation for most objects instead of two or three
            var index = members.endIndex
            while index > members.startIndex {
                let comparison = CanonicalJSONNode.compareUTF8(members[index - 1].key, key)
                if comparison == 0 {
                    members[index - 1].value = value
                    return
                }
                if comparison < 0 { break }
                index -= 1
            }
            members.insert((key, value), at: index)
        }
    }

    /// An unkeyed container's elements.
    final class Array {
        var elements: [CanonicalJSONNode] = []
    }

    /// Writes the value (object members in their sorted order).
    func write(into writer: inout JSONWriter) {
        switch self {
        case .null: writer.raw("null")
        case .bool(let value): writer.raw(value ? "true" : "false")
        case .signed(let value): writer.integer(value)
        case .unsigned(let value): writer.integer(value)
        case .number(let text): writer.raw(text)
        case .string(let value): writer.string(value)
        case .object(let object): Self.write(object, into: &writer)
        case .array(let array):
            writer.beginArray()
            for element in array.elements { element.write(into: &writer) }
            writer.endArray()
        case .deferred(let encoder): (encoder.node ?? .object(Object())).write(into: &writer)
        }
    }

    private static func write(_ object: Object, into writer: inout JSONWriter) {
        writer.beginObject()
        for member in object.members {
            writer.key(member.key)
            member.value.write(into: &writer)
        }
        writer.endObject()
    }

    /// Compares two strings by their UTF-8 bytes: negative, zero or positive.
    fileprivate static func compareUTF8(_ lhs: String, _ rhs: String) -> Int {
        var lhs = lhs
        var rhs = rhs
        return lhs.withUTF8 { left in
            rhs.withUTF8 { right in
                let common = min(left.count, right.count)
                if common > 0 {
                    let result = memcmp(left.baseAddress!, right.baseAddress!, common)
                    if result != 0 { return Int(result) }
                }
                return left.count - right.count
            }
        }
    }
}
