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

    /// A keyed container's members, in the order they were encoded.
    final class Object {
        var members: [(key: String, value: CanonicalJSONNode)] = []
    }

    /// An unkeyed container's elements.
    final class Array {
        var elements: [CanonicalJSONNode] = []
    }

    /// Writes the value; object members sorted by the UTF-8 bytes of their keys (as `JSONEncoder`'s `.sortedKeys`),
    /// the last of equal keys winning.
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
        let members = object.members
        // Stable sort of the positions: among equal keys the last encoded comes last and is the one kept.
        let order = members.indices.sorted { lhs, rhs in
            let comparison = compareUTF8(members[lhs].key, members[rhs].key)
            return comparison == 0 ? lhs < rhs : comparison < 0
        }
        for (position, index) in order.enumerated() {
            if position + 1 < order.count, members[order[position + 1]].key == members[index].key { continue }
            writer.key(members[index].key)
            members[index].value.write(into: &writer)
        }
        writer.endObject()
    }

    /// Compares two strings by their UTF-8 bytes: negative, zero or positive.
    private static func compareUTF8(_ lhs: String, _ rhs: String) -> Int {
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
