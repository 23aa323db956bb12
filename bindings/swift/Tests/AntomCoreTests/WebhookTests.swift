// The webhook receive path over raw bytes and headers: `antom trigger` (the repository's
// signer of notifications, a separate implementation) posts to a socket listener whose only
// logic is `WebhookHandler.handle(headers:body:)`; the reply goes back as the handler decided.
// Also: descriptions of notifications, requests and responses stay redacted.
import Foundation
import XCTest

import AntomCore

final class WebhookTests: XCTestCase {
    private let lock = NSLock()
    private var processed: [AntomNotification] = []
    private var failProcessing = false

    private func makeListener(_ handler: WebhookHandler) throws -> HttpListener {
        try HttpListener { request in
            let reply = handler.handle(headers: request.headers, body: request.body)
            return .reply(status: reply.status, contentType: reply.contentType, body: reply.bodyData, headers: [])
        }
    }

    private func handler(maxAgeMs: UInt64? = nil) throws -> WebhookHandler {
        WebhookHandler(client: try TestKeys.verifyOnlyClient(), path: "/antom/notify", maxAgeMs: maxAgeMs) { [unowned self] notification in
            self.lock.lock(); defer { self.lock.unlock() }
            if self.failProcessing { throw CocoaError(.fileWriteUnknown) }
            self.processed.append(notification)
        }
    }

    private func trigger(_ url: String, status: String = "SUCCESS") throws -> (status: Int32, output: String) {
        try runAntom(["trigger", "notifyPayment", "--to", url, "--status", status,
                      "--antom-private-key", vectorsDir.appendingPathComponent(TestKeys.antomPrivateFile).path])
    }

    func testATriggeredNotificationIsVerifiedProcessedAndAcknowledged() throws {
        let listener = try makeListener(try handler())
        defer { listener.stop() }
        let run = try trigger(listener.url + "/antom/notify")
        XCTAssertEqual(run.status, 0, "antom trigger got the ack: \(run.output)")
        lock.lock(); let got = processed; lock.unlock()
        XCTAssertEqual(got.count, 1)
        let notification = try XCTUnwrap(got.first)
        XCTAssertEqual(notification.notifyType, "PAYMENT_RESULT")
        XCTAssertEqual(notification.resultStatus, .success)
        XCTAssertEqual(notification.outcome, .succeeded)
        XCTAssertTrue(notification.dedupKey.hasPrefix("PAYMENT_RESULT:paymentId="), notification.dedupKey)
        XCTAssertEqual(notification.body, try XCTUnwrap(listener.requests.first).body, "the verified bytes are the received bytes")
        // The string forms show the body's length only.
        XCTAssertTrue("\(notification)".contains("body: <\(notification.body.count) bytes>"), "\(notification)")
        XCTAssertFalse("\(notification) \(String(reflecting: notification))".contains("paymentId\""))
    }

    func testATamperedNotificationIs401AndNotProcessed() throws {
        // Capture one real notification, then replay it altered.
        let capture = try HttpListener { _ in .reply(status: 200, contentType: "application/json", body: Data(NOTIFICATION_ACK.utf8), headers: []) }
        defer { capture.stop() }
        XCTAssertEqual(try trigger(capture.url + "/antom/notify").status, 0)
        let original = try XCTUnwrap(capture.requests.first)

        let webhook = try handler()
        XCTAssertEqual(webhook.handle(headers: original.headers, body: original.body).status, 200)
        var tampered = original.body
        tampered[tampered.count - 2] ^= 0x01
        let reply = webhook.handle(headers: original.headers, body: tampered)
        XCTAssertEqual(reply.status, 401)
        XCTAssertEqual(reply.errorCode, "SIGNATURE_MISMATCH")
        XCTAssertEqual(reply.body, "SIGNATURE_MISMATCH")
        XCTAssertEqual(reply.contentType, "text/plain; charset=utf-8")
        XCTAssertEqual(webhook.handle(headers: original.headers.filter { $0.0.lowercased() != "signature" }, body: original.body).errorCode,
                       "MISSING_HEADER")
        // The dictionary form reads the same headers.
        let dictionary = Dictionary(original.headers, uniquingKeysWith: { first, _ in first })
        XCTAssertEqual(webhook.handle(headers: dictionary, body: original.body).status, 200)
        // Another path is another signature.
        let elsewhere = WebhookHandler(client: try TestKeys.verifyOnlyClient(), path: "/other") { _ in }
        XCTAssertEqual(elsewhere.handle(headers: original.headers, body: original.body).errorCode, "SIGNATURE_MISMATCH")
        // The simulator dates notifications in ISO-8601 with a zone, as Antom does: the core's
        // replay window reads it, so a delivery of moments ago is inside an hour's window.
        XCTAssertEqual(try handler(maxAgeMs: 3_600_000).handle(headers: original.headers, body: original.body).status, 200)
        lock.lock(); let count = processed.count; lock.unlock()
        XCTAssertEqual(count, 3, "only the verified deliveries were processed")
    }

    func testTheReplayWindowIsApplied() throws {
        // notification.json's fresh-within-window case: signed with request-time 1562913596000
        // (epoch ms, July 2019). Accepted without a window; refused as stale with one.
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: vectorsDir.appendingPathComponent("notification.json"))) as! [String: Any]
        let vector = (doc["cases"] as! [[String: Any]]).first { $0["id"] as? String == "fresh-within-window" }!
        let input = vector["input"] as! [String: Any]
        let config = input["config"] as! [String: Any]
        let client = try Client(config: ClientConfig(
            clientId: config["client_id"] as! String, credential: .verifyOnly,
            antomPublicKey: PublicKey(text: readFile(config["antom_public_key_file"] as! String))))
        let headers = (input["headers"] as! [[String]]).map { ($0[0], $0[1]) }
        let body = Data((input["body"] as! String).utf8)
        let open = WebhookHandler(client: client, path: input["path"] as! String) { _ in }
        XCTAssertEqual(open.handle(headers: headers, body: body).status, 200)
        let windowed = WebhookHandler(client: client, path: input["path"] as! String, maxAgeMs: 300_000) { _ in }
        let stale = windowed.handle(headers: headers, body: body)
        XCTAssertEqual(stale.status, 401)
        XCTAssertEqual(stale.errorCode, "INVALID_INPUT")
    }

    func testACallbackThatThrowsIs500AndAntomRetries() throws {
        failProcessing = true
        let listener = try makeListener(try handler())
        defer { listener.stop() }
        let run = try trigger(listener.url + "/antom/notify")
        XCTAssertNotEqual(run.status, 0, "a 500 is not an acknowledgement: \(run.output)")
        let reply = try handler().handle(headers: try XCTUnwrap(listener.requests.first).headers,
                                         body: try XCTUnwrap(listener.requests.first).body)
        XCTAssertEqual(reply.status, 500)
        XCTAssertEqual(reply.body, "PROCESSING_FAILED")
        XCTAssertEqual(reply.contentType, "text/plain; charset=utf-8")
        XCTAssertEqual(reply.errorCode, WebhookReply.PROCESSING_FAILED)
        XCTAssertEqual("\(reply)", "WebhookReply(status: 500, errorCode: PROCESSING_FAILED)")
    }

    func testRequestAndResponseDescriptionsAreRedacted() throws {
        let apiKey = "isak_TEST_VEVTVC1PTkxZ_not-a-real-secret_0123456789"
        let agentToken = "TEST-ONLY-agent-token-42"
        let antom = try PublicKey(text: readFile(TestKeys.antomPublicFile))
        let withApiKey = try Client(config: ClientConfig(clientId: simulatorClientId, credential: .apiKey(key: apiKey),
                                                         antomPublicKey: antom))
        let withAgent = try Client(config: ClientConfig(
            clientId: simulatorClientId, credential: .privateKey(key: PrivateKey(text: readFile(TestKeys.merchantPrivateFile))),
            antomPublicKey: antom, agentToken: agentToken))
        let body = #"{"paymentRequestId":"card-4111111111111111"}"#
        for (client, secret) in [(withApiKey, apiKey), (withAgent, agentToken)] {
            let request = try client.prepare(api: "v1/payments/pay", body: body)
            XCTAssertTrue(request.headers.contains { $0.value.contains(secret) }, "the real header carries it")
            var dumped = ""
            dump(request, to: &dumped)
            for shown in ["\(request)", String(reflecting: request), dumped, "\(request.headers)"] {
                XCTAssertFalse(shown.contains(secret), shown)
                XCTAssertFalse(shown.contains("4111111111111111"), shown)
                XCTAssertTrue(shown.contains("<redacted>"), shown)
            }
            XCTAssertTrue("\(request)".contains("<\(body.utf8.count) bytes>"))
            XCTAssertFalse("\(client) \(String(reflecting: client))".contains(secret))
        }
    }
}
