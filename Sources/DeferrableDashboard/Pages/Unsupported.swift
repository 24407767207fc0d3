/// The note shown in place of a part the backend does not offer.
enum Unsupported {
    /// `what` is not available for this backend.
    static func note(_ what: String) -> HTML {
        "<p class=\"unavailable\">\(what): not available for this backend.</p>"
    }

    /// A table cell for a value the backend may not offer.
    static func cell<Value>(_ support: Support<Value>, _ show: (Value) -> String) -> HTML {
        switch support {
        case .available(let value): "<td class=\"n\">\(show(value))</td>"
        case .unsupported: "<td class=\"n unavailable\" title=\"not available for this backend\">n/a</td>"
        }
    }
}
