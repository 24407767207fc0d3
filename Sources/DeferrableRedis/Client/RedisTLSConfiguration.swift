/// TLS for connections to Redis (`rediss://`).
///
/// The defaults verify the server's certificate against the system trust store and check that it names the host
/// being connected to (or ``serverName``, which is also sent as SNI). Files are PEM and are read when the first
/// connection is opened; a file that cannot be read fails that connection with
/// ``RedisError/invalidTLSConfiguration(_:)``.
public struct RedisTLSConfiguration: Sendable, Hashable {
    /// The lowest TLS version the client accepts.
    public enum Version: String, Sendable, Hashable, CaseIterable {
        /// TLS 1.2.
        case tls12 = "1.2"
        /// TLS 1.3.
        case tls13 = "1.3"
    }

    /// The name sent as SNI and checked against the server's certificate; `nil` uses the host of the endpoint
    /// (an IP address is not sent as SNI, and the certificate must then name that address).
    public var serverName: String?
    /// Whether the certificate must name the server. Turning this off still checks that a trusted CA signed it.
    public var verifiesHostname: Bool
    /// A PEM file (or directory of PEM files) of CA certificates to trust instead of the system trust store.
    public var caFile: String?
    /// A PEM client certificate chain sent to servers that require one (mutual TLS); needs ``privateKeyFile``.
    public var certificateFile: String?
    /// The PEM private key of ``certificateFile``.
    public var privateKeyFile: String?
    /// The lowest TLS version accepted (default 1.2).
    public var minimumVersion: Version

    /// Creates a TLS configuration; the defaults verify the server against the system trust store.
    public init(
        serverName: String? = nil,
        verifiesHostname: Bool = true,
        caFile: String? = nil,
        certificateFile: String? = nil,
        privateKeyFile: String? = nil,
        minimumVersion: Version = .tls12
    ) {
        self.serverName = serverName
        self.verifiesHostname = verifiesHostname
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.privateKeyFile = privateKeyFile
        self.minimumVersion = minimumVersion
    }

    /// The options as `rediss://` query parameters (`tls_ca=…&tls_cert=…`), empty for the defaults.
    var queryItems: [(String, String)] {
        var items: [(String, String)] = []
        if let caFile { items.append(("tls_ca", caFile)) }
        if let certificateFile { items.append(("tls_cert", certificateFile)) }
        if let privateKeyFile { items.append(("tls_key", privateKeyFile)) }
        if let serverName { items.append(("tls_server_name", serverName)) }
        if !verifiesHostname { items.append(("tls_verify_hostname", "false")) }
        if minimumVersion != .tls12 { items.append(("tls_min_version", minimumVersion.rawValue)) }
        return items
    }
}
