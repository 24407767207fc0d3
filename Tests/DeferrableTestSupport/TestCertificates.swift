import Foundation

/// Throwaway certificates made with `openssl` in a temporary directory: a CA, a server certificate it signs for
/// `localhost` and `127.0.0.1`, a second server certificate it signs for `redis.example.com` only, a client
/// certificate it signs, and a second, unrelated CA. Call ``remove()`` when done.
public struct TestCertificates: Sendable {
    public let directory: URL

    public var caFile: String { path("ca.crt") }
    public var otherCAFile: String { path("other-ca.crt") }
    public var serverCertificateFile: String { path("server.crt") }
    public var serverKeyFile: String { path("server.key") }
    /// A server certificate naming only `redis.example.com` (no loopback name or address).
    public var otherHostCertificateFile: String { path("other-host.crt") }
    public var otherHostKeyFile: String { path("other-host.key") }
    public var clientCertificateFile: String { path("client.crt") }
    public var clientKeyFile: String { path("client.key") }

    /// `redis-server` (and `redis-sentinel`) settings that serve this server certificate, trust this CA, ask no
    /// client for a certificate and speak TLS to the servers replicated from or monitored.
    public var serverOptions: [(String, String)] {
        [
            ("tls-cert-file", serverCertificateFile), ("tls-key-file", serverKeyFile), ("tls-ca-cert-file", caFile),
            ("tls-auth-clients", "no"), ("tls-replication", "yes"),
        ]
    }

    public static var isAvailable: Bool { RedisServerProcess.executablePath("openssl") != nil }

    /// Creates the certificates (P-256 keys, valid for one day), running `openssl` off the cooperative pool.
    public init() async throws {
        self = try await offCooperativePool { try TestCertificates(blocking: ()) }
    }

    private init(blocking: Void) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "deferrable-tls-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try makeCA("ca", name: "Deferrable Test CA")
        try makeCA("other-ca", name: "Unrelated Test CA")
        // Client use too: with `tls-cluster` and `tls-replication`, servers present it to each other.
        try makeSigned(
            "server", name: "localhost",
            extensions: "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n")
        try makeSigned(
            "other-host", name: "redis.example.com", extensions: "subjectAltName=DNS:redis.example.com\nextendedKeyUsage=serverAuth\n")
        try makeSigned("client", name: "deferrable-client", extensions: "extendedKeyUsage=clientAuth\n")
    }

    /// Removes the directory and everything in it.
    public func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    private func makeCA(_ stem: String, name: String) throws {
        try openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", path("\(stem).key"), "-out", path("\(stem).crt"), "-days", "1", "-subj", "/CN=\(name)",
        ])
    }

    private func makeSigned(_ stem: String, name: String, extensions: String) throws {
        try openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", path("\(stem).key"), "-out", path("\(stem).csr"), "-subj", "/CN=\(name)",
        ])
        try Data(extensions.utf8).write(to: URL(fileURLWithPath: path("\(stem).ext")))
        try openssl([
            "x509", "-req", "-in", path("\(stem).csr"), "-CA", caFile, "-CAkey", path("ca.key"), "-CAcreateserial",
            "-out", path("\(stem).crt"), "-days", "1", "-extfile", path("\(stem).ext"),
        ])
    }

    private func openssl(_ arguments: [String]) throws {
        guard let executable = RedisServerProcess.executablePath("openssl") else {
            throw FaultTestError("openssl is not on PATH")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FaultTestError(
                "openssl \(arguments.first ?? "") failed (\(process.terminationStatus)): \(String(decoding: output, as: UTF8.self))")
        }
    }
}
