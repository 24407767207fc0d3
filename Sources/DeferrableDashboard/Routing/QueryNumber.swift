/// Whole numbers read from query strings and forms.
enum QueryNumber {
    /// `text` as a decimal number of at most 9 digits (so it cannot overflow), or `nil` when it is anything else
    /// (a sign, spaces, other characters, empty).
    static func parse(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 9, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return Int(text)
    }
}
