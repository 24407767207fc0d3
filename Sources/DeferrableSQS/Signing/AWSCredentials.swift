import Foundation

/// The credentials that sign requests to AWS: an access key, its secret, and the session token of temporary
/// credentials.
public struct AWSCredentials: Sendable, Hashable, CustomStringConvertible {
    /// The access key id (`AKIA…`, or `ASIA…` for temporary credentials).
    public let accessKeyID: String
    /// The secret access key.
    public let secretAccessKey: String
    /// The session token of temporary credentials (sent as `X-Amz-Security-Token`); `nil` for long-term keys.
    public let sessionToken: String?

    /// Creates credentials.
    /// - Throws: ``AWSCredentialsError/incomplete(_:)`` when the key id or the secret is empty.
    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) throws(AWSCredentialsError) {
        guard !accessKeyID.isEmpty else { throw .incomplete("the access key id is empty") }
        guard !secretAccessKey.isEmpty else { throw .incomplete("the secret access key is empty") }
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The credentials of the standard environment variables `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
    /// `AWS_SESSION_TOKEN`; `nil` when the first two are not both set.
    public static func fromEnvironment(_ environment: [String: String]) -> AWSCredentials? {
        guard let key = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"] else { return nil }
        return try? AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"])
    }

    /// Shows the key id only; the secret and the token never appear in logs.
    public var description: String {
        "AWSCredentials(\(accessKeyID)\(sessionToken == nil ? "" : ", with a session token"))"
    }
}

/// Credentials that cannot be used.
public enum AWSCredentialsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A key id or secret is missing.
    case incomplete(String)
    /// The shared credentials file has no such profile, or the profile lacks a key.
    case profileNotFound(profile: String, reason: String)

    public var description: String {
        switch self {
        case .incomplete(let reason): "incomplete AWS credentials: \(reason)"
        case .profileNotFound(let profile, let reason): "AWS credentials profile \(profile): \(reason)"
        }
    }
}
