import Foundation

/// Example envelopes in `Fixtures/envelopes/` at the package root.
enum Fixtures {
    /// The package root: the first folder above this file that holds a `Package.swift`.
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url
            }
            url.deleteLastPathComponent()
        }
        fatalError("no Package.swift above \(#filePath)")
    }()

    static let envelopes = packageRoot.appendingPathComponent("Fixtures/envelopes")

    /// The bytes of fixture `name` (e.g. `valid-minimal.json`).
    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: envelopes.appendingPathComponent(name)))
    }

    /// Every fixture file name in the folder.
    static func names() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: envelopes.path).sorted()
    }

    /// The job name the fixtures use.
    static let jobName = "fixture-echo"
}

/// Arguments of the `fixture-echo` job the fixtures name.
struct EchoArgs: Codable, Sendable, Equatable {
    var text: String
}
