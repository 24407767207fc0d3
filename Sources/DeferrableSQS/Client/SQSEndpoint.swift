import Foundation

/// Where SQS requests go: a region's public endpoint, or a given URL (an emulator, a VPC endpoint).
public struct SQSEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// The region the requests are signed for.
    public let region: String
    /// `http` or `https`.
    public let scheme: String
    public let host: String
    public let port: Int

    /// The public endpoint of `region` (`https://sqs.<region>.amazonaws.com`).
    /// - Throws: ``SQSError/invalidEndpoint(_:)`` for a region that is not a lower-case name such as `eu-west-1`.
    public init(region: String) throws(SQSError) {
        try self.init(region: region, url: "https://sqs.\(try Self.checked(region: region)).amazonaws.com")
    }

    /// The endpoint at `url` (`http://127.0.0.1:5000`, `https://vpce-….sqs.eu-west-1.vpce.amazonaws.com`), signed
    /// for `region`.
    /// - Throws: ``SQSError/invalidEndpoint(_:)`` when the URL is not `http(s)://host[:port][/]` or the port is out
    ///   of range.
    public init(region: String, url: String) throws(SQSError) {
        self.region = try Self.checked(region: region)
        guard let separator = url.range(of: "://") else { throw .invalidEndpoint("\(url): no scheme") }
        let scheme = url[..<separator.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { throw .invalidEndpoint("\(url): the scheme must be http or https") }
        var authority = url[separator.upperBound...]
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        guard !authority.isEmpty, !authority.contains("/"), !authority.contains("@"), !authority.contains("?") else {
            throw .invalidEndpoint("\(url): expected scheme://host[:port]")
        }
        var host = Substring(authority)
        var port = scheme == "https" ? 443 : 80
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let number = Int(authority[authority.index(after: colon)...]), (1...65_535).contains(number) else {
                throw .invalidEndpoint("\(url): the port must be 1 to 65535")
            }
            port = number
            host = authority[..<colon]
        }
        guard !host.isEmpty else { throw .invalidEndpoint("\(url): no host") }
        self.scheme = scheme
        self.host = String(host)
        self.port = port
    }

    /// The URL requests are posted to.
    public var url: String { "\(scheme)://\(hostHeader)/" }

    /// The `Host` header: the host, with the port when it is not the scheme's default.
    var hostHeader: String {
        port == (scheme == "https" ? 443 : 80) ? host : "\(host):\(port)"
    }

    public var description: String { "\(url) (\(region))" }

    private static func checked(region: String) throws(SQSError) -> String {
        let valid =
            !region.isEmpty && region.count <= 32
            && region.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
        guard valid else { throw .invalidEndpoint("region '\(region)': expected a name such as eu-west-1") }
        return region
    }
}
