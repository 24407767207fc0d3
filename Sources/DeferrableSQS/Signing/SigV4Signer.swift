import Crypto

/// Signs requests with AWS Signature Version 4 (`AWS4-HMAC-SHA256`), the scheme every AWS JSON API checks.
///
/// The signature covers the method, the path, the sorted query, every header given plus `host` and `x-amz-date`
/// (and `x-amz-security-token` for temporary credentials), and the SHA-256 of the body, so a request cannot be
/// altered or replayed outside its 15-minute window. The signing key is derived per day, region and service.
struct SigV4Signer: Sendable {
    let credentials: AWSCredentials
    let region: String
    let service: String

    /// The headers to add to `request` signed at `timestamp`: `Host`, `X-Amz-Date`, `X-Amz-Security-Token` (with
    /// temporary credentials) and `Authorization`.
    func signingHeaders(for request: SignableRequest, at timestamp: AWSTimestamp) -> [(name: String, value: String)] {
        var added: [(name: String, value: String)] = [("Host", request.host), ("X-Amz-Date", timestamp.dateTime)]
        if let token = credentials.sessionToken { added.append(("X-Amz-Security-Token", token)) }
        let signed = canonicalHeaders(request.headers + added)
        let signedNames = signed.map(\.name).joined(separator: ";")
        let canonical = [
            request.method.uppercased(),
            Self.encodePath(request.path),
            Self.canonicalQuery(request.query),
            signed.map { "\($0.name):\($0.value)\n" }.joined(),
            signedNames,
            Self.hexSHA256(request.body),
        ].joined(separator: "\n")
        let scope = "\(timestamp.date)/\(region)/\(service)/aws4_request"
        let stringToSign = ["AWS4-HMAC-SHA256", timestamp.dateTime, scope, Self.hexSHA256(Array(canonical.utf8))]
            .joined(separator: "\n")
        let signature = HMAC<SHA256>.authenticationCode(
            for: Array(stringToSign.utf8), using: signingKey(date: timestamp.date))
        added.append(
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedNames), "
                    + "Signature=\(Self.hex(signature))"
            ))
        return added
    }

    /// The key of one day, region and service: HMACs of the date, region, service and `aws4_request`, starting from
    /// `AWS4` + the secret.
    func signingKey(date: Substring) -> SymmetricKey {
        var key = SymmetricKey(data: Array("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [String(date), region, service, "aws4_request"] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key))
        }
        return key
    }

    /// Lower-cased names, trimmed values with inner runs of spaces collapsed, sorted by name; repeated names joined
    /// with commas in the order given.
    private func canonicalHeaders(_ headers: [(name: String, value: String)]) -> [(name: String, value: String)] {
        var byName: [String: [String]] = [:]
        for header in headers {
            let value = header.value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            byName[header.name.lowercased(), default: []].append(value)
        }
        return byName.keys.sorted().map { ($0, byName[$0]!.joined(separator: ",")) }
    }

    private static func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
        query.map { (encode($0.name), encode($0.value)) }
            .sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// Each path segment percent-encoded, the slashes kept; an empty path is `/`.
    static func encodePath(_ path: String) -> String {
        guard !path.isEmpty else { return "/" }
        return path.split(separator: "/", omittingEmptySubsequences: false).map { encode(String($0)) }.joined(separator: "/")
    }

    /// RFC 3986 percent-encoding: every byte but `A–Z a–z 0–9 - _ . ~` as `%XX` (upper-case hex).
    static func encode(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                encoded += "%" + hexDigits(byte, uppercase: true)
            }
        }
        return encoded
    }

    static func hexSHA256(_ bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: bytes))
    }

    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        bytes.map { hexDigits($0, uppercase: false) }.joined()
    }

    private static func hexDigits(_ byte: UInt8, uppercase: Bool) -> String {
        let digits: [Character] = Array(uppercase ? "0123456789ABCDEF" : "0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
