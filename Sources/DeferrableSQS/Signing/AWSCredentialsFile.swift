import Foundation

/// The shared credentials file (`~/.aws/credentials`, or `AWS_SHARED_CREDENTIALS_FILE`): INI sections named by
/// profile, each with `aws_access_key_id`, `aws_secret_access_key` and optionally `aws_session_token`.
extension AWSCredentials {
    /// Reads `profile` from the text of a shared credentials file. Comment lines start with `#` or `;`; keys and
    /// values are trimmed; a later duplicate key wins.
    /// - Throws: ``AWSCredentialsError/profileNotFound(profile:reason:)`` when the profile or one of its keys is
    ///   missing.
    public static func fromSharedFile(_ text: String, profile: String = "default") throws(AWSCredentialsError) -> AWSCredentials {
        var section: String?
        var values: [String: String] = [:]
        var found = false
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                if section == profile { found = true }
                continue
            }
            guard section == profile, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            values[key] = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        guard found else { throw .profileNotFound(profile: profile, reason: "no [\(profile)] section") }
        guard let key = values["aws_access_key_id"], let secret = values["aws_secret_access_key"] else {
            throw .profileNotFound(profile: profile, reason: "aws_access_key_id and aws_secret_access_key are both needed")
        }
        do {
            return try AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: values["aws_session_token"])
        } catch {
            throw .profileNotFound(profile: profile, reason: error.description)
        }
    }

    /// Credentials found as the AWS command-line tools find them: the environment variables
    /// (``fromEnvironment(_:)``), else the profile `AWS_PROFILE` (or `default`) of the shared credentials file at
    /// `AWS_SHARED_CREDENTIALS_FILE` (or `~/.aws/credentials`).
    /// - Throws: ``AWSCredentialsError/profileNotFound(profile:reason:)`` when neither has credentials.
    public static func standard(environment: [String: String]) throws(AWSCredentialsError) -> AWSCredentials {
        if let credentials = fromEnvironment(environment) { return credentials }
        let profile = environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        let home = environment["HOME"] ?? NSHomeDirectory()
        let path = environment["AWS_SHARED_CREDENTIALS_FILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(home)/.aws/credentials"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw .profileNotFound(
                profile: profile, reason: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set and \(path) cannot be read")
        }
        return try fromSharedFile(text, profile: profile)
    }
}
