import Foundation

/// Decodes job arguments exactly as Foundation's `JSONDecoder` (default strategies) does, but faster.
///
/// The text is parsed strictly into a ``JSONTree`` and decoded by ``TreeDecoder``, which gives every value and every
/// error `JSONDecoder` gives for the same text, also to a type's `init(from:)` that catches errors (`try?`,
/// `do`/`catch`) and carries on: no work is handed to Foundation by throwing through the type's code. `Data`, `URL`,
/// `Date` and `Decimal` are read as `JSONDecoder` reads them; a `Decimal`, and an integer whose text has a fraction or
/// an exponent and whose value is 2^53 or more, are read by `JSONDecoder` itself on that number's text alone.
///
/// A text the strict parser refuses (one Foundation may still accept, such as a trailing comma, a key written twice,
/// a byte-order mark or nesting deeper than 256) is decoded by `JSONDecoder` from the start. When decoding fails, the
/// text is decoded again by `JSONDecoder`, so that the error thrown is Foundation's own, word for word: a type's
/// `init(from:)` then runs a second time.
enum ArgumentsDecoder {
    /// Decodes `type` from the JSON text `bytes`.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        if let value = try? decodeFast(type, from: bytes) { return value }
        return try JSONCoders.decoder.decode(type, from: Data(bytes))
    }

    /// The strict parser and ``TreeDecoder`` alone (tests compare them with Foundation): throws when the parser
    /// refuses the text, and wherever `JSONDecoder` throws.
    static func decodeFast<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try TreeDecoder(tree: JSONTree.parse(bytes), codingPath: []).unbox(type)
    }
}
