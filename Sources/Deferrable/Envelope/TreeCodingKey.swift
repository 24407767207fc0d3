/// The coding keys ``TreeDecoder`` adds to a coding path itself, with the values `JSONDecoder` gives its own: an
/// array element (`"Index 3"`, 3) and the key of `superDecoder()` (`"super"`).
struct TreeCodingKey: CodingKey {
    let stringValue: String
    let intValue: Int?

    init?(stringValue: String) {
        self.stringValue = stringValue
        intValue = nil
    }

    init?(intValue: Int) { self.init(index: intValue) }

    init(index: Int) {
        stringValue = "Index \(index)"
        intValue = index
    }

    static let `super` = TreeCodingKey(stringValue: "super")!
}
