import Crypto
import Testing

@testable import DeferrableSQS

/// Signature Version 4 against AWS's published examples (the IAM `ListUsers` walk-through and the test suite's
/// `get-vanilla`, both signed at 2015-08-30T12:36:00Z with AWS's example keys) and an SQS request with a session
/// token signed by botocore.
@Suite("SQS: Signature Version 4")
struct SigV4SignerTests {
    private let example = try! AWSCredentials(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    /// 2015-08-30T12:36:00Z.
    private let exampleTime = AWSTimestamp(secondsSinceEpoch: 1_440_938_160)

    private func authorization(_ headers: [(name: String, value: String)]) -> String? {
        headers.first { $0.name == "Authorization" }?.value
    }

    @Test("the signing key of AWS's key-derivation example")
    func signingKey() {
        let signer = SigV4Signer(credentials: example, region: "us-east-1", service: "iam")
        let key = signer.signingKey(date: "20120215").withUnsafeBytes { Array($0) }
        #expect(SigV4Signer.hex(key) == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d")
    }

    @Test("the IAM ListUsers example of AWS's signing walk-through")
    func listUsers() {
        let signer = SigV4Signer(credentials: example, region: "us-east-1", service: "iam")
        let request = SignableRequest(
            method: "GET", host: "iam.amazonaws.com", path: "/",
            query: [("Version", "2010-05-08"), ("Action", "ListUsers")],
            headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")], body: [])
        #expect(exampleTime.dateTime == "20150830T123600Z")
        #expect(
            authorization(signer.signingHeaders(for: request, at: exampleTime))
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date, "
                + "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")
    }

    @Test("get-vanilla of AWS's Signature Version 4 test suite")
    func getVanilla() {
        let signer = SigV4Signer(credentials: example, region: "us-east-1", service: "service")
        let request = SignableRequest(method: "GET", host: "example.amazonaws.com", path: "/", query: [], headers: [], body: [])
        #expect(
            authorization(signer.signingHeaders(for: request, at: exampleTime))
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                + "SignedHeaders=host;x-amz-date, "
                + "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    @Test("an SQS JSON request with a session token signs the token and the target, as botocore does")
    func sqsWithSessionToken() throws {
        let credentials = try AWSCredentials(
            accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            sessionToken: "FQoGZXIvYXdzEXAMPLETOKEN")
        let signer = SigV4Signer(credentials: credentials, region: "eu-west-1", service: "sqs")
        let body = #"{"QueueUrl":"https://sqs.eu-west-1.amazonaws.com/123456789012/app-mail","MessageBody":"hi"}"#
        let request = SignableRequest(
            method: "POST", host: "sqs.eu-west-1.amazonaws.com", path: "/", query: [],
            headers: [("Content-Type", "application/x-amz-json-1.0"), ("X-Amz-Target", "AmazonSQS.SendMessage")],
            body: Array(body.utf8))
        // 2026-12-04T03:15:00Z
        let headers = signer.signingHeaders(for: request, at: AWSTimestamp(secondsSinceEpoch: 1_796_354_100))
        #expect(headers.first { $0.name == "X-Amz-Date" }?.value == "20261204T031500Z")
        #expect(headers.first { $0.name == "X-Amz-Security-Token" }?.value == "FQoGZXIvYXdzEXAMPLETOKEN")
        #expect(
            authorization(headers)
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261204/eu-west-1/sqs/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, "
                + "Signature=ce1a31fb3d6d2de9c392bc9f32711eb7f83a764c9ec54a0423294033bf7a7068")
    }

    @Test("percent-encoding keeps only the unreserved characters; paths keep their slashes")
    func encoding() {
        #expect(SigV4Signer.encode("a b+c/é~") == "a%20b%2Bc%2F%C3%A9~")
        #expect(SigV4Signer.encodePath("/queue one/x") == "/queue%20one/x")
        #expect(SigV4Signer.encodePath("") == "/")
    }

    @Test("timestamps across leap days, centuries and the ends of the supported range")
    func timestamps() {
        #expect(AWSTimestamp(secondsSinceEpoch: 0).dateTime == "19700101T000000Z")
        #expect(AWSTimestamp(secondsSinceEpoch: 951_782_400).dateTime == "20000229T000000Z")
        #expect(AWSTimestamp(secondsSinceEpoch: 4_107_542_399).dateTime == "21000228T235959Z")
        #expect(AWSTimestamp(secondsSinceEpoch: -1).dateTime == "19691231T235959Z")
        #expect(AWSTimestamp(secondsSinceEpoch: .max).dateTime == "99991231T235959Z")
        #expect(AWSTimestamp(secondsSinceEpoch: .min).dateTime == "00000101T000000Z")
    }
}
