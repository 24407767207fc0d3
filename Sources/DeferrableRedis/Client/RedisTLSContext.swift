import NIOCore
import NIOSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The NIOSSL context of one client, built once from a ``RedisTLSConfiguration`` (loading its files), and the
/// channel handlers each TLS connection needs.
struct RedisTLSContext: Sendable {
    let context: NIOSSLContext
    let configuration: RedisTLSConfiguration

    /// - Throws: ``RedisError/invalidTLSConfiguration(_:)`` naming the file that cannot be used.
    init(_ configuration: RedisTLSConfiguration) throws(RedisError) {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = configuration.minimumVersion == .tls13 ? .tlsv13 : .tlsv12
        tls.certificateVerification = configuration.verifiesHostname ? .fullVerification : .noHostnameVerification
        if let caFile = configuration.caFile {
            try Self.requireReadable(caFile, what: "CA bundle (tls_ca)")
            tls.trustRoots = .file(caFile)
        }
        switch (configuration.certificateFile, configuration.privateKeyFile) {
        case (nil, nil):
            break
        case (let certificateFile?, let privateKeyFile?):
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) }
            } catch {
                throw .invalidTLSConfiguration("cannot read the client certificate (tls_cert) at \(certificateFile): \(error)")
            }
            do {
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: privateKeyFile, format: .pem))
            } catch {
                throw .invalidTLSConfiguration("cannot read the client private key (tls_key) at \(privateKeyFile): \(error)")
            }
        case (nil, _?):
            throw .invalidTLSConfiguration("a client private key (tls_key) needs a client certificate (tls_cert)")
        case (_?, nil):
            throw .invalidTLSConfiguration("a client certificate (tls_cert) needs its private key (tls_key)")
        }
        do {
            context = try NIOSSLContext(configuration: tls)
        } catch {
            throw .invalidTLSConfiguration("cannot set up TLS: \(error)")
        }
        self.configuration = configuration
    }

    /// The TLS handler for a connection to `host`, sending SNI unless the name is an IP address.
    func makeHandler(host: String) throws -> NIOSSLClientHandler {
        let name = configuration.serverName ?? host
        let sniName = Self.isIPAddress(name) ? nil : name
        return try NIOSSLClientHandler(context: context, serverHostname: sniName)
    }

    /// Why a TLS handshake failed, as a typed ``RedisTLSFailure`` and a one-line reason.
    static func describe(_ error: any Error) -> (RedisTLSFailure, String) {
        let text = String(describing: error)
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
            return (.hostnameMismatch, "the server's certificate does not name this host (\(text))")
        }
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return (
                .untrustedCertificate,
                "the server's certificate is not trusted: not signed by a trusted CA, expired or not yet valid (\(text))"
            )
        }
        if text.contains("CERTIFICATE_REQUIRED") || text.contains("ALERT_BAD_CERTIFICATE")
            || text.contains("ALERT_UNKNOWN_CA")
        {
            return (.clientCertificateRejected, "the server requires a client certificate it accepts (\(text))")
        }
        if text.contains("WRONG_VERSION_NUMBER") || text.contains("PACKET_LENGTH_TOO_LONG") {
            return (.notTLS, "the server did not answer in TLS; is this its TLS port? (\(text))")
        }
        return (.other, text)
    }

    private static func isIPAddress(_ name: String) -> Bool {
        name.contains(":") || (!name.isEmpty && name.allSatisfy { $0 == "." || $0.isASCII && $0.isNumber })
    }

    private static func requireReadable(_ path: String, what: String) throws(RedisError) {
        guard access(path, R_OK) == 0 else {
            throw .invalidTLSConfiguration("the \(what) at \(path) does not exist or cannot be read")
        }
    }
}

/// Why a TLS handshake with Redis failed (see ``RedisError/tlsFailed(endpoint:failure:reason:)``).
public enum RedisTLSFailure: String, Sendable, Hashable {
    /// The server's certificate is not trusted: not signed by a CA the client trusts, expired or not yet valid.
    case untrustedCertificate
    /// The server's certificate does not name the host connected to (or the configured server name).
    case hostnameMismatch
    /// The server refused the handshake for want of an acceptable client certificate.
    case clientCertificateRejected
    /// The server did not speak TLS (a plain-text port).
    case notTLS
    /// Another TLS error; the reason says which.
    case other
}
