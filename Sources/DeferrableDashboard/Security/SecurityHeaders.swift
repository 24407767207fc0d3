import HTTPTypes
import Hummingbird
import HummingbirdCore

/// The headers every dashboard response carries: a Content-Security-Policy that allows no script and styles only with
/// the page's nonce, no framing, no MIME sniffing, no referrer, no caching.
enum SecurityHeaders {
    /// The headers of a response whose page uses `nonce` for its inline style sheet.
    static func fields(nonce: String) -> HTTPFields {
        var fields = HTTPFields()
        fields[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'none'; style-src 'nonce-\(nonce)'; img-src 'self' data:; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'"
        fields[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        fields[HTTPField.Name("X-Frame-Options")!] = "DENY"
        fields[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        fields[.cacheControl] = "no-store"
        return fields
    }
}
