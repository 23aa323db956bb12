// The typed models (Models.swift, Codable) against real simulator output: typed requests
// encoded with JSONEncoder, signed and sent by `Client.send`, verified, decoded into the
// models; the simulator's notifications arrive at a `WebhookHandler` behind a socket listener.
// Every decoded body encodes back to the same JSON (every field, known or not).
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

import AntomCore

private func usd(_ value: String) -> Amount { Amount(currency: "USD", value: value) }

/// `T` decoded from `body`, checked to encode back to the same JSON value.
private func roundTrip<T: Codable>(_ type: T.Type, _ body: Data, file: StaticString = #filePath, line: UInt = #line) throws -> T {
    let model = try JSONDecoder().decode(T.self, from: body)
    let again = try JSONEncoder().encode(model)
    XCTAssertEqual(try JSONDecoder().decode(JSONValue.self, from: body), try JSONDecoder().decode(JSONValue.self, from: again),
                   "\(T.self): the round trip changed the JSON", file: file, line: line)
    return model
}

final class ModelsTests: XCTestCase {
    private var mock: AntomMock!
    private var client: Client!
    private var webhook: HttpListener!
    private var handler: WebhookHandler!
    private var notifyUrl: String { webhook.url + "/antom/notify" }
    private let lock = NSLock()
    private var verified: [AntomNotification] = []

    override func setUpWithError() throws {
        mock = try AntomMock()
        client = try mock.client()
        handler = WebhookHandler(client: try TestKeys.verifyOnlyClient(), path: "/antom/notify") { [unowned self] notification in
            self.lock.lock(); self.verified.append(notification); self.lock.unlock()
        }
        webhook = try HttpListener { [unowned self] request in
            let reply = self.handler.handle(headers: request.headers, body: request.body)
            return .reply(status: reply.status, contentType: reply.contentType, body: reply.bodyData, headers: [])
        }
    }

    override func tearDown() {
        webhook?.stop()
        mock?.stop()
    }

    /// The next verified notification's body, within 15 s.
    private func nextNotification() throws -> Data {
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            lock.lock()
            if !verified.isEmpty {
                let first = verified.removeFirst()
                lock.unlock()
                return first.body
            }
            lock.unlock()
            usleep(20_000)
        }
        throw XCTSkipFailure("no verified notification within 15 s; simulator log: \(mock.output.suffix(2000))")
    }

    /// A typed request sent with `Client.send`; the verified response body.
    private func call<R: Encodable>(_ api: String, _ request: R) async throws -> Data {
        let result = try await client.send(api: api, body: try JSONEncoder().encode(request))
        let response = try XCTUnwrap(result.response, "\(api): \(String(describing: result.error))")
        XCTAssertTrue(response.verified, "\(api): the simulator signs every answer")
        return response.body
    }

    private func payRequest(_ id: String, _ value: String) -> PayRequest {
        PayRequest(productCode: "CASHIER_PAYMENT", paymentRequestId: id,
                   order: Order(referenceOrderId: "order-\(id)", orderDescription: "Typed models test", orderAmount: usd(value)),
                   paymentAmount: usd(value), paymentMethod: PaymentMethod(paymentMethodType: "ALIPAY_CN"),
                   paymentRedirectUrl: "http://127.0.0.1:9/return", paymentNotifyUrl: notifyUrl, env: Env(terminalType: "WEB"))
    }

    func testAPaymentLifecycleParsesIntoTheModels() async throws {
        let pay = try roundTrip(PayResponse.self, try await call(PayRequest.api, payRequest("swift-models-1", "1000")))
        XCTAssertEqual(pay.result?.resultStatus, "U")
        XCTAssertEqual(pay.result?.resultCode, "PAYMENT_IN_PROCESS")
        XCTAssertEqual(pay.paymentAmount, usd("1000"))
        let paymentId = try XCTUnwrap(pay.paymentId)
        let page = try await httpGet(try XCTUnwrap(pay.normalUrl)) // the buyer pays
        XCTAssertEqual(page, 200)

        let paid = try roundTrip(NotifyPaymentRequest.self, try nextNotification())
        XCTAssertEqual(paid.notifyType, "PAYMENT_RESULT")
        XCTAssertEqual(paid.result?.resultStatus, "S")
        XCTAssertEqual(paid.paymentId, paymentId)
        XCTAssertNotNil(paid.paymentTime)

        let capture = try roundTrip(CaptureResponse.self, try await call(CaptureRequest.api,
            CaptureRequest(captureRequestId: "swift-capture-1", paymentId: paymentId, captureAmount: usd("1000"))))
        XCTAssertEqual(capture.result?.resultStatus, "S")
        let captured = try roundTrip(NotifyCaptureRequest.self, try nextNotification())
        XCTAssertEqual(captured.notifyType, "CAPTURE_RESULT")
        XCTAssertEqual(captured.captureId, capture.captureId)
        XCTAssertEqual(captured.captureAmount, usd("1000"))

        let refund = try roundTrip(RefundResponse.self, try await call(RefundRequest.api,
            RefundRequest(refundRequestId: "swift-refund-1", paymentId: paymentId, refundAmount: usd("400"), refundNotifyUrl: notifyUrl)))
        XCTAssertEqual(refund.result?.resultCode, "SUCCESS")
        let refunded = try roundTrip(NotifyRefundRequest.self, try nextNotification())
        XCTAssertEqual(refunded.notifyType, "REFUND_RESULT")
        XCTAssertEqual(refunded.refundStatus, "SUCCESS")
        XCTAssertEqual(refunded.refundId, refund.refundId)
        XCTAssertEqual(refunded.refundAmount, usd("400"))

        let refundInquiry = try roundTrip(InquiryRefundResponse.self,
            try await call(InquiryRefundRequest.api, InquiryRefundRequest(refundId: refund.refundId)))
        XCTAssertEqual(refundInquiry.refundRequestId, "swift-refund-1")
        XCTAssertEqual(refundInquiry.refundStatus, "SUCCESS")

        let inquiry = try roundTrip(InquiryPaymentResponse.self,
            try await call(InquiryPaymentRequest.api, InquiryPaymentRequest(paymentId: paymentId)))
        XCTAssertEqual(inquiry.paymentStatus, "SUCCESS")
        let transactions = try XCTUnwrap(inquiry.transactions)
        XCTAssertEqual(transactions.map(\.transactionType), ["CAPTURE", "REFUND"])
        XCTAssertEqual(transactions.map(\.transactionId), [capture.captureId, refund.refundId])
        XCTAssertEqual(transactions[1].transactionResult?.resultStatus, "S")

        let session = try roundTrip(CreatePaymentSessionResponse.self, try await call(CreatePaymentSessionRequest.api,
            CreatePaymentSessionRequest(productCode: "CASHIER_PAYMENT", paymentRequestId: "swift-models-2",
                                        order: payRequest("swift-models-2", "250").order, paymentAmount: usd("250"),
                                        paymentRedirectUrl: "http://127.0.0.1:9/return")))
        XCTAssertTrue(session.paymentSessionData?.hasPrefix("SIMSESSION.") ?? false)
        let cancel = try roundTrip(CancelResponse.self, try await call(CancelRequest.api, CancelRequest(paymentRequestId: "swift-models-2")))
        XCTAssertEqual(cancel.result?.resultStatus, "S")
        XCTAssertNotNil(cancel.cancelTime)

        let missing = try roundTrip(InquiryPaymentResponse.self,
            try await call(InquiryPaymentRequest.api, InquiryPaymentRequest(paymentId: "no-such")))
        XCTAssertEqual(missing.result?.resultCode, "ORDER_NOT_EXIST")
        XCTAssertNil(missing.paymentStatus)
    }

    func testAPaymentPendingFromAntomTriggerParses() throws {
        // PAYMENT_PENDING comes from `antom trigger notifyPayment --status PENDING`, through the
        // listener and WebhookHandler: exit 0 means the handler's ack reached the sender.
        let run = try runAntom(["trigger", "notifyPayment", "--to", notifyUrl, "--status", "PENDING",
                                "--antom-private-key", vectorsDir.appendingPathComponent(TestKeys.antomPrivateFile).path,
                                "--payment-request-id", "swift-pending", "--amount", "1050", "--currency", "JPY"])
        XCTAssertEqual(run.status, 0, "antom trigger got the ack: \(run.output)")
        let pending = try roundTrip(NotifyPaymentRequest.self, try nextNotification())
        XCTAssertEqual(pending.notifyType, "PAYMENT_PENDING")
        XCTAssertEqual(pending.paymentRequestId, "swift-pending")
        XCTAssertEqual(pending.paymentAmount, Amount(currency: "JPY", value: "1050"))
        XCTAssertNil(pending.paymentTime)
    }

    func testUnknownFieldsOfARealBodySurviveARoundTrip() async throws {
        let text = try await call(PayRequest.api, payRequest("swift-models-extra", "700"))
        guard case .object(var body) = try JSONDecoder().decode(JSONValue.self, from: text),
              case .object(var result) = body["result"] else { return XCTFail("not an object with a result") }
        body["futureField"] = .object(["nested": .array([.string("kept"), .bool(true), .null])])
        result["resultDetail"] = .string("kept too")
        body["result"] = .object(result)
        let extended = try JSONEncoder().encode(JSONValue.object(body))
        let pay = try roundTrip(PayResponse.self, extended)
        XCTAssertEqual(pay.extra, ["futureField": .object(["nested": .array([.string("kept"), .bool(true), .null])])])
        XCTAssertEqual(pay.result?.extra, ["resultDetail": .string("kept too")])
        XCTAssertNil(pay.extra["paymentId"], "described fields are typed, not extra")
    }

    func testWhatAntomSendsParsesWithoutTheFieldsTheReferenceCallsRequired() throws {
        let pending = #"{"notifyType":"PAYMENT_PENDING","result":{"resultCode":"PAYMENT_IN_PROCESS","resultStatus":"U"},"#
            + #""paymentRequestId":"o-1","paymentId":"p-1","paymentAmount":{"currency":"JPY","value":"1050"}}"#
        XCTAssertEqual(try JSONDecoder().decode(NotifyPaymentRequest.self, from: Data(pending.utf8)).notifyType, "PAYMENT_PENDING")
        for absent in [pending.replacingOccurrences(of: #""paymentId":"p-1","#, with: ""),
                       pending.replacingOccurrences(of: #","resultStatus":"U""#, with: ""),
                       #"{"paymentId":"p-1"}"#, "{}"] {
            let parsed = try JSONDecoder().decode(NotifyPaymentRequest.self, from: Data(absent.utf8))
            let back = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(parsed))
            XCTAssertEqual(back, try JSONDecoder().decode(JSONValue.self, from: Data(absent.utf8)), absent)
        }
        XCTAssertNil(try JSONDecoder().decode(NotifyPaymentRequest.self, from: Data("{}".utf8)).result)
        XCTAssertNil(try JSONDecoder().decode(PayResponse.self, from: Data(#"{"paymentId":"p-1"}"#.utf8)).result)
        for broken in [pending.replacingOccurrences(of: #""value":"1050""#, with: #""value":1050"#), "[]"] {
            XCTAssertThrowsError(try JSONDecoder().decode(NotifyPaymentRequest.self, from: Data(broken.utf8)), broken)
        }
    }

    func testRequestOnlyTypesStillRequireTheirRequiredFields() throws {
        let refund = #"{"refundRequestId":"r-1","paymentId":"p-1","refundAmount":{"currency":"USD","value":"400"}}"#
        XCTAssertEqual(try JSONDecoder().decode(RefundRequest.self, from: Data(refund.utf8)).refundRequestId, "r-1")
        for broken in [refund.replacingOccurrences(of: #""refundRequestId":"r-1","#, with: ""),
                       refund.replacingOccurrences(of: #""paymentId":"p-1","#, with: "")] {
            XCTAssertThrowsError(try JSONDecoder().decode(RefundRequest.self, from: Data(broken.utf8)), broken)
        }
    }
}
