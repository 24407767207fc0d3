import Foundation
import Testing

@testable import DeferrableSQS

/// Credentials found as the AWS tools find them: the environment first, then the shared credentials file.
@Suite("SQS: standard credentials")
struct StandardCredentialsTests {
    private func withFile(_ text: String, _ body: (String) throws -> Void) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("credentials-\(UUID().uuidString)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try body(path)
    }

    @Test("the environment wins over the file; else AWS_PROFILE of AWS_SHARED_CREDENTIALS_FILE; else default")
    func order() throws {
        let file = """
            [default]
            aws_access_key_id = AKIADEFAULT
            aws_secret_access_key = default-secret
            [work]
            aws_access_key_id = AKIAWORK
            aws_secret_access_key = work-secret
            aws_session_token = work-token
            """
        try withFile(file) { path in
            let fromEnvironment = try AWSCredentials.standard(environment: [
                "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_SHARED_CREDENTIALS_FILE": path,
            ])
            #expect(fromEnvironment.accessKeyID == "AKIAENV")
            let profile = try AWSCredentials.standard(environment: ["AWS_SHARED_CREDENTIALS_FILE": path, "AWS_PROFILE": "work"])
            #expect(profile.accessKeyID == "AKIAWORK")
            #expect(profile.sessionToken == "work-token")
            let fallback = try AWSCredentials.standard(environment: ["AWS_SHARED_CREDENTIALS_FILE": path])
            #expect(fallback.accessKeyID == "AKIADEFAULT")
        }
    }

    @Test("no environment variables and no readable file is a typed error naming the file")
    func missing() {
        let error = #expect(throws: AWSCredentialsError.self) {
            try AWSCredentials.standard(environment: ["AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials"])
        }
        #expect(String(describing: error).contains("/nonexistent/credentials"))
    }
}
