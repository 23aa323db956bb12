// `Client.send` over URLSession against `antom mock` (the repository's simulator, a separate
// implementation that checks every request signature) and its 503 / delay faults, plus the
// failures a simulator cannot show (refused connection, untrusted TLS, endless body). Every
// send without a verified reply must come back `.unknown`, never `.failed`, and never throw.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import XCTest

import AntomCore

private func payBody(_ id: String) -> String {
    #"{"paymentRequestId":"\#(id)","productCode":"CASHIER_PAYMENT","paymentAmount":{"currency":"USD","value":"1000"},"#
        + #""paymentMethod":{"paymentMethodType":"ALIPAY_CN"},"order":{"orderDescription":"swift send test"}}"#
}

private func field(_ body: Data, _ name: String) -> String? {
    let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any]
    return object?[name] as? String
}

private func unique(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8))" }

/// The events a send reported, in order.
private final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [SendEvent] = []
    func add(_ event: SendEvent) { lock.lock(); events.append(event); lock.unlock() }
    var all: [SendEvent] { lock.lock(); defer { lock.unlock() }; return events }
}

final class SendTests: XCTestCase {
    private static var mock: AntomMock?

    override class func setUp() {
        super.setUp()
        mock = try? AntomMock()
    }

    override class func tearDown() {
        mock?.stop()
        mock = nil
        super.tearDown()
    }

    private func simulator() throws -> AntomMock {
        guard let mock = Self.mock else { throw XCTSkipFailure("antom mock did not start (see the test log)") }
        return mock
    }

    func testPayThenInquireAgainstTheSimulator() async throws {
        let mock = try simulator()
        let client = try mock.client()
        let id = unique("swift-send")
        let pay = try await client.send(api: "v1/payments/pay", body: payBody(id))
        XCTAssertNil(pay.error, mock.output)
        XCTAssertEqual(pay.httpStatus, 200)
        XCTAssertEqual(pay.attempts, 1)
        let response = try XCTUnwrap(pay.response)
        XCTAssertTrue(response.verified, "the simulator's answer is signed")
        XCTAssertEqual(response.resultStatus, .unknown) // U PAYMENT_IN_PROCESS: the buyer has not paid
        XCTAssertEqual(response.resultCode, "PAYMENT_IN_PROCESS")
        XCTAssertEqual(pay.outcome, .pending)
        XCTAssertEqual(pay.request.path, "/ams/sandbox/api/v1/payments/pay")
        XCTAssertFalse("\(pay)".contains(id), "a SendResult's string form shows no body")

        let before = try await client.send(api: "v1/payments/inquiryPayment", body: #"{"paymentRequestId":"\#(id)"}"#)
        XCTAssertEqual(field(try XCTUnwrap(before.response).body, "paymentStatus"), "PROCESSING")
        XCTAssertEqual(before.outcome, .pending)

        let page = try XCTUnwrap(field(response.body, "normalUrl"))
        let status = try await httpGet(page) // the buyer pays
        XCTAssertEqual(status, 200)
        let after = try await client.send(api: "v1/payments/inquiryPayment", body: Data(#"{"paymentRequestId":"\#(id)"}"#.utf8))
        XCTAssertEqual(field(try XCTUnwrap(after.response).body, "paymentStatus"), "SUCCESS")
        XCTAssertEqual(after.outcome, .succeeded)

        // The same prepared request again (a retry later): the same payment, same bytes.
        let again = try await client.send(prepared: pay.request)
        XCTAssertEqual(field(try XCTUnwrap(again.response).body, "paymentId"), field(response.body, "paymentId"))
    }

    func testAFailedInquiryIsUnknownNotFailed() async throws {
        let client = try simulator().client()
        let result = try await client.send(api: "v1/payments/inquiryPayment", body: #"{"paymentRequestId":"\#(unique("never-sent"))"}"#)
        let response = try XCTUnwrap(result.response)
        XCTAssertTrue(response.verified)
        XCTAssertEqual(response.resultStatus, .failed)
        XCTAssertEqual(response.resultCode, "ORDER_NOT_EXIST")
        XCTAssertEqual(result.outcome, .unknown, "a failed inquiry says nothing final about the payment")
    }

    func testSimulatorHttp503IsUnknownAndRetriedWhenAsked() async throws {
        let client = try simulator().client()
        let result = try await client.send(api: "v1/payments/pay", body: payBody(unique("SIM_HTTP_503_swift")),
                                           options: SendOptions(retries: 1, retryDelay: 0))
        XCTAssertEqual(result.outcome, .unknown)
        XCTAssertEqual(result.httpStatus, 503)
        XCTAssertEqual(result.error?.code, SendError.HTTP_STATUS)
        XCTAssertEqual(result.error?.message, "HTTP 503")
        XCTAssertNil(result.response)
        XCTAssertEqual(result.attempts, 2, "a 5xx is retried when retries are asked for")

        let once = try await client.send(api: "v1/payments/pay", body: payBody(unique("SIM_HTTP_503_swift")))
        XCTAssertEqual(once.attempts, 1, "no retries by default")
    }

    func testSimulatorDelayPastTheTimeoutIsUnknownAndTookEffect() async throws {
        let client = try simulator().client()
        let id = unique("SIM_DELAY_3000_swift")
        let started = Date()
        let result = try await client.send(api: "v1/payments/pay", body: payBody(id), options: SendOptions(timeout: 1))
        let took = Date().timeIntervalSince(started)
        XCTAssertEqual(result.outcome, .unknown)
        XCTAssertEqual(result.error?.code, SendError.TIMEOUT)
        XCTAssertNil(result.httpStatus)
        XCTAssertLessThan(took, 2.5, "the timeout was not applied")
        // Why a timeout is never "failed": the payment exists; inquire, never pay again.
        let inquiry = try await client.send(api: "v1/payments/inquiryPayment", body: #"{"paymentRequestId":"\#(id)"}"#)
        XCTAssertEqual(field(try XCTUnwrap(inquiry.response).body, "paymentStatus"), "PROCESSING")
        XCTAssertEqual(inquiry.outcome, .pending)
    }

    func testARefusedConnectionIsATransportErrorAndUnknown() async throws {
        // A port that was free a moment ago: nothing listens there.
        let listener = try HttpListener { _ in .reply(status: 200, contentType: "text/plain", body: Data(), headers: []) }
        let url = listener.url
        listener.stop()
        let client = try TestKeys.merchantClient(gatewayUrl: url)
        let result = try await client.send(api: "v1/payments/inquiryPayment", body: #"{"paymentRequestId":"p-1"}"#,
                                           options: SendOptions(retries: 2, retryDelay: 0))
        XCTAssertEqual(result.outcome, .unknown)
        XCTAssertEqual(result.error?.code, SendError.TRANSPORT_ERROR)
        XCTAssertNil(result.httpStatus)
        XCTAssertEqual(result.attempts, 3, "a transport error is retried when retries are asked for")
    }

    func testNon2xxAndRedirectsAreUnknownAndNeverFollowed() async throws {
        let listener = try HttpListener { request in
            request.path.hasSuffix("/elsewhere")
                ? .reply(status: 200, contentType: "application/json", body: Data("{}".utf8), headers: [])
                : .reply(status: 302, contentType: "text/plain", body: Data(), headers: [("Location", "/elsewhere")])
        }
        defer { listener.stop() }
        let client = try TestKeys.merchantClient(gatewayUrl: listener.url)
        let result = try await client.send(api: "v1/payments/inquiryPayment", body: #"{"paymentRequestId":"p-1"}"#,
                                           options: SendOptions(retries: 3, retryDelay: 0))
        XCTAssertEqual(result.outcome, .unknown)
        XCTAssertEqual(result.httpStatus, 302)
        XCTAssertEqual(result.error?.code, SendError.HTTP_STATUS)
        XCTAssertEqual(result.attempts, 1, "a reply below 500 is never retried")
        XCTAssertEqual(listener.requests.count, 1, "the redirect was followed")
        let sent = try XCTUnwrap(listener.requests.first)
        XCTAssertEqual(sent.method, "POST")
        XCTAssertEqual(sent.body, Data(result.request.body.utf8), "the body went out byte for byte")
        for header in result.request.headers {
            XCTAssertEqual(sent.headers.first { $0.0.lowercased() == header.name.lowercased() }?.1, header.value)
        }
    }

    func testAnEndless2xxBodyIsCutAtMaxBodyBytesAndRefused() async throws {
        let listener = try HttpListener { _ in
            .custom { fd in
                // A 2xx whose body goes on for 15 s: a client that reads it to its end takes that
                // long; one that stops past maxBodyBytes does not.
                writeAll(fd, Data("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n".utf8))
                let chunk = Data(repeating: UInt8(ascii: "x"), count: 64 * 1024)
                let end = Date().addingTimeInterval(15)
                while Date() < end, writeAll(fd, chunk) { usleep(10_000) }
            }
        }
        defer { listener.stop() }
        let client = try TestKeys.merchantClient(gatewayUrl: listener.url, maxBodyBytes: 100_000)
        let started = Date()
        do {
            _ = try await client.send(api: "v1/payments/inquiryPayment", body: #"{"paymentRequestId":"p-1"}"#,
                                      options: SendOptions(timeout: 20))
            XCTFail("an oversized reply was accepted")
        } catch let error as AntomError {
            XCTAssertEqual(error.code, "INVALID_INPUT")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 10, "the body was read to its end or to the timeout")
    }

    func testAnUntrustedTlsCertificateIsATransportError() async throws {
        // openssl s_server with the throw-away self-signed certificate: URLSession verifies TLS
        // (this library has no switch to turn that off), so the handshake is refused.
        let probe = try HttpListener { _ in .reply(status: 200, contentType: "text/plain", body: Data(), headers: []) }
        let port = probe.port
        probe.stop()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["openssl", "s_server", "-quiet", "-www", "-accept", "127.0.0.1:\(port)",
                            "-cert", vectorsDir.appendingPathComponent("keys/TEST-ONLY-tls.cert.pem").path,
                            "-key", vectorsDir.appendingPathComponent("keys/TEST-ONLY-tls.key.pem").path]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        // SIGKILL: a child of the test runner does not always get SIGTERM delivered.
        defer { kill(server.processIdentifier, SIGKILL); server.waitUntilExit() }
        // Wait until it accepts connections.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline && !canConnect(port: port) { usleep(50_000) }
        XCTAssertTrue(canConnect(port: port), "openssl s_server did not start (is the openssl CLI installed?)")

        let client = try TestKeys.merchantClient(gatewayUrl: "https://127.0.0.1:\(port)")
        let result = try await client.send(api: "v1/payments/inquiryPayment", body: #"{"paymentRequestId":"p-1"}"#,
                                           options: SendOptions(timeout: 10))
        XCTAssertEqual(result.outcome, .unknown)
        XCTAssertEqual(result.error?.code, SendError.TRANSPORT_ERROR, "\(String(describing: result.error))")
        XCTAssertNil(result.httpStatus)
        // Refused for its certificate (libcurl: "SSL certificate problem: self-signed certificate"),
        // not for a missing trust store or a dead server.
        let message = result.error?.message ?? ""
        XCTAssertTrue(message.contains("self-signed") || message.contains("self signed"), message)
    }

    func testAnExternalSignerClosureSendsASignedRequest() async throws {
        let mock = try simulator()
        let keyText = try readFile(TestKeys.merchantPrivateFile)
        let client = try Client(config: ClientConfig(
            clientId: simulatorClientId,
            credential: .externalSigner(merchantPublicKey: PublicKey(text: readFile(TestKeys.merchantPublicFile))),
            antomPublicKey: PublicKey(text: readFile(TestKeys.antomPublicFile)),
            gatewayUrl: mock.url))
        var asked = 0
        // OpenSSL (libcrypto) stands in for the KMS: it signs the message the core hands out.
        let request = try client.prepare(api: "v1/payments/pay", body: Data(payBody(unique("swift-signer")).utf8)) { pending in
            asked += 1
            guard let signature = opensslSign(message: pending.message(), pkcs8Base64: keyText) else {
                throw XCTSkipFailure("libcrypto could not sign")
            }
            return signature
        }
        XCTAssertEqual(asked, 1)
        let result = try await client.send(prepared: request)
        XCTAssertTrue(try XCTUnwrap(result.response).verified, mock.output)
        XCTAssertEqual(result.outcome, .pending, "the simulator accepted the signature")

        struct KmsDown: Error { let detail = "credentials expired for arn:aws:kms:secret-key-id" }
        XCTAssertThrowsError(try client.prepare(api: "v1/payments/pay", body: Data(payBody("x").utf8)) { _ in throw KmsDown() }) {
            let error = $0 as? AntomError
            XCTAssertEqual(error?.code, "SIGNING_FAILED")
            XCTAssertTrue(error?.message.contains("KmsDown") ?? false, "the signer's error type is named")
            XCTAssertFalse("\($0)".contains("secret-key-id"), "the signer's error text is not repeated")
        }
    }

    /// A policy with short waits, so the retry tests take well under a second each.
    private func fastPolicy(attempts: UInt32 = 4, timeoutMs: UInt64 = 5_000, deadlineMs: UInt64 = 20_000) -> RetryPolicy {
        RetryPolicy(maxAttempts: attempts, initialBackoffMs: 100, maxBackoffMs: 400, attemptTimeoutMs: timeoutMs,
                    deadlineMs: deadlineMs, retryWithoutIdempotencyKey: false)
    }

    func testAFlakyPayIsRetriedByTheCoresPolicyWithJitteredBackoff() async throws {
        let client = try simulator().client()
        let events = EventLog()
        let started = Date()
        let result = try await client.send(api: "v1/payments/pay", body: payBody(unique("SIM_FLAKY_2_swift")),
                                           options: SendOptions(retryPolicy: fastPolicy(), onEvent: events.add))
        XCTAssertNotNil(result.response, "the third attempt got the verified answer")
        XCTAssertEqual(result.attempts, 3)
        let seen = events.all
        XCTAssertEqual(seen.map(\.attempt), [1, 2, 3])
        XCTAssertEqual(seen.map(\.httpStatus), [503, 503, 200])
        XCTAssertEqual(seen.map(\.retry), ["RETRY", "RETRY", nil])
        XCTAssertEqual(seen.map(\.api), ["payments.pay", "payments.pay", "payments.pay"])
        // Equal jitter: before retry n the wait is in [b/2, b], b = min(400, 100 * 2^(n-1)).
        let first = try XCTUnwrap(seen[0].retryDelayMs), second = try XCTUnwrap(seen[1].retryDelayMs)
        XCTAssertTrue((50...100).contains(first), "\(first)")
        XCTAssertTrue((100...200).contains(second), "\(second)")
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started) * 1000, Double(first + second))
    }

    func testAResetConnectionIsRetried() async throws {
        let client = try simulator().client()
        let events = EventLog()
        let result = try await client.send(api: "v1/payments/pay", body: payBody(unique("SIM_RESET_1_swift")),
                                           options: SendOptions(retryPolicy: fastPolicy(), onEvent: events.add))
        XCTAssertNotNil(result.response)
        XCTAssertEqual(result.attempts, 2)
        XCTAssertEqual(events.all.first?.errorCode, SendError.TRANSPORT_ERROR)
    }

    func testTheDeadlineEndsASlowSendAsUnknownInTime() async throws {
        let client = try simulator().client()
        let started = Date()
        let result = try await client.send(api: "v1/payments/pay", body: payBody(unique("SIM_DELAY_4000_swift")),
                                           options: SendOptions(retryPolicy: fastPolicy(deadlineMs: 1_000)))
        let took = Date().timeIntervalSince(started)
        XCTAssertEqual(result.outcome, .unknown)
        XCTAssertEqual(result.error?.code, SendError.TIMEOUT)
        XCTAssertEqual(result.attempts, 1, "no time was left for a second attempt")
        XCTAssertGreaterThanOrEqual(took, 0.9)
        XCTAssertLessThan(took, 2.5, "the deadline (1 s) bounds the send")
    }

    func testARequestWithoutAnIdempotencyKeyIsNotRetried() async throws {
        let listener = try HttpListener { _ in .reply(status: 503, contentType: "text/plain", body: Data(), headers: []) }
        defer { listener.stop() }
        let client = try TestKeys.merchantClient(gatewayUrl: listener.url)
        for (api, body) in [("v1/payments/acceptDispute", #"{"disputeId":"d-1"}"#),
                            ("v1/payments/pay", #"{"paymentAmount":{"currency":"USD","value":"1"}}"#)] {
            let events = EventLog()
            let result = try await client.send(api: api, body: body,
                                               options: SendOptions(retryPolicy: fastPolicy(), onEvent: events.add))
            XCTAssertEqual(result.attempts, 1, api)
            XCTAssertEqual(result.outcome, .unknown)
            XCTAssertEqual(events.all.map(\.retry), ["NO_IDEMPOTENCY_KEY"], api)
        }
        XCTAssertEqual(listener.requests.count, 2)
    }

    func testEventsCarryNoCardNumberKeyOrSignature() async throws {
        let client = try simulator().client()
        let card = "4111111111111111"
        let body = #"{"paymentRequestId":"\#(unique("SIM_FLAKY_1_swift"))","productCode":"CASHIER_PAYMENT","#
            + #""paymentAmount":{"currency":"USD","value":"1000"},"paymentMethod":{"paymentMethodType":"CARD","#
            + #""paymentMethodMetaData":{"cardNo":"\#(card)","cvv":"737"}},"order":{"orderDescription":"x"}}"#
        let quiet = EventLog(), verbose = EventLog()
        let result = try await client.send(api: "v1/payments/pay", body: body,
                                           options: SendOptions(retryPolicy: fastPolicy(), onEvent: quiet.add))
        let signature = try XCTUnwrap(result.request.headers.first { $0.name.lowercased() == "signature" }?.value)
        for event in quiet.all {
            let shown = "\(event)"
            XCTAssertFalse(shown.contains(card))
            XCTAssertFalse(shown.contains(signature))
            XCTAssertNil(event.requestBody)
            XCTAssertNil(event.responseBody)
            for attribute in sendEventAttributes(event: event) {
                XCTAssertFalse((attribute.stringValue ?? "").contains(card))
            }
        }
        _ = try await client.send(prepared: result.request,
                                  options: SendOptions(retryPolicy: fastPolicy(), onEvent: verbose.add, includeBodies: true))
        let masked = try XCTUnwrap(verbose.all.first?.requestBody)
        XCTAssertFalse(masked.contains(card))
        XCTAssertTrue(masked.contains(#""cardNo":"<masked>""#))
    }

    func testInvalidOptionsAreRefusedBeforeSending() async throws {
        let client = try TestKeys.merchantClient(gatewayUrl: "http://127.0.0.1:9")
        for options in [SendOptions(timeout: 0), SendOptions(retries: -1), SendOptions(retryDelay: -1)] {
            do {
                _ = try await client.send(api: "v1/payments/inquiryPayment", body: "{}", options: options)
                XCTFail("invalid options were accepted")
            } catch let error as AntomError {
                XCTAssertEqual(error.code, "INVALID_INPUT")
            }
        }
    }
}

private func canConnect(port: Int) -> Bool {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    } == 0
}
