import Testing

@testable import DeferrableSQS

/// Credentials from the environment and from the shared credentials file.
@Suite("SQS: credentials")
struct AWSCredentialsTests {
    @Test("the standard environment variables, with and without a session token")
    func environment() throws {
        let plain = try #require(
            AWSCredentials.fromEnvironment(["AWS_ACCESS_KEY_ID": "AKIA1", "AWS_SECRET_ACCESS_KEY": "secret"]))
        #expect(plain.sessionToken == nil)
        let temporary = try #require(
            AWSCredentials.fromEnvironment([
                "AWS_ACCESS_KEY_ID": "ASIA1", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "token",
            ]))
        #expect(temporary.sessionToken == "token")
        #expect(AWSCredentials.fromEnvironment(["AWS_ACCESS_KEY_ID": "AKIA1"]) == nil)
        #expect(AWSCredentials.fromEnvironment(["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "x"]) == nil)
        #expect(!String(describing: temporary).contains("secret"))
        #expect(!String(describing: temporary).contains("token\""))
    }

    @Test("a profile of the shared credentials file; a missing profile or key is a typed error")
    func sharedFile() throws {
        let file = """
            # comment
            [default]
            aws_access_key_id = AKIADEFAULT
            aws_secret_access_key = default-secret

            [jobs]
            ; another comment
            aws_access_key_id=ASIAJOBS
            aws_secret_access_key=jobs-secret
            aws_session_token = jobs-token
            [broken]
            aws_access_key_id = AKIAONLY
            """
        let standard = try AWSCredentials.fromSharedFile(file)
        #expect(standard.accessKeyID == "AKIADEFAULT")
        #expect(standard.secretAccessKey == "default-secret")
        let jobs = try AWSCredentials.fromSharedFile(file, profile: "jobs")
        #expect(jobs.sessionToken == "jobs-token")
        #expect(throws: AWSCredentialsError.self) { try AWSCredentials.fromSharedFile(file, profile: "absent") }
        #expect(throws: AWSCredentialsError.self) { try AWSCredentials.fromSharedFile(file, profile: "broken") }
    }
}
