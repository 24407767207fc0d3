/// The token every action form carries. It is drawn at random when the dashboard is created (256 bits) and lives as
/// long as the process: a page of another origin cannot read the dashboard's pages (the same-origin policy), so it
/// cannot learn the token, and a forged POST without it is refused.
struct CSRFToken: Sendable {
    /// The name of the hidden form field.
    static let fieldName = "csrf"

    /// The token.
    let value: String

    init(value: String = RandomToken.hex(byteCount: 32)) {
        self.value = value
    }

    /// Whether `submitted` is the token (compared in constant time).
    func accepts(_ submitted: String?) -> Bool {
        guard let submitted else { return false }
        return ConstantTime.equals(submitted, value)
    }

    /// The hidden input that carries the token in a form.
    var hiddenField: HTML {
        "<input type=\"hidden\" name=\"\(Self.fieldName)\" value=\"\(value)\">"
    }
}
