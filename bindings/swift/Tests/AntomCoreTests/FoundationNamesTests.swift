// A user's file: Foundation (and FoundationNetworking, Dispatch, XCTest) imported beside
// AntomCore, every public AntomCore type named without its module. If a name collided with
// Foundation or the standard library (as the binding's `Notification` did with
// `Foundation.Notification`), this file would not compile: "'X' is ambiguous for type lookup".
import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

import AntomCore

final class FoundationNamesTests: XCTestCase {
    func testEveryPublicNameIsUsableUnqualifiedBesideFoundation() throws {
        // The generated API (AntomCore.swift).
        let types: [Any.Type] = [
            Client.self, ClientConfig.self, Credential.self, PrivateKey.self, PublicKey.self, SigningRequest.self,
            AntomNotification.self, NotificationFacts.self, ApiResponse.self, ResponseFacts.self, PreparedRequest.self,
            Header.self, Endpoint.self, Freshness.self, SignatureHeader.self, AntomError.self, BodyKind.self,
            Environment.self, Region.self, NextAction.self, Outcome.self, ResultStatus.self,
            ClientProtocol.self, PrivateKeyProtocol.self, PublicKeyProtocol.self, SigningRequestProtocol.self,
            // The hand-written glue.
            SendOptions.self, SendResult.self, SendError.self, WebhookHandler.self, WebhookReply.self,
            // The typed models (Models.swift).
            JSONValue.self, Amount.self, ApiResult.self, UserName.self, Address.self, Buyer.self, Goods.self,
            Shipping.self, Env.self, Order.self, PaymentMethod.self, PaymentFactor.self, SettlementStrategy.self,
            Quote.self, RedirectActionForm.self, PspCustomerInfo.self, AcquirerInfo.self, PaymentResultInfo.self,
            Transaction.self, Logo.self, PaymentOption.self, PaymentMethodInfo.self, PayRequest.self, PayResponse.self,
            CreatePaymentSessionRequest.self, CreatePaymentSessionResponse.self, ConsultRequest.self,
            ConsultResponse.self, InquiryPaymentRequest.self, InquiryPaymentResponse.self, CancelRequest.self,
            CancelResponse.self, CaptureRequest.self, CaptureResponse.self, RefundRequest.self, RefundResponse.self,
            InquiryRefundRequest.self, InquiryRefundResponse.self, NotifyPaymentRequest.self,
            NotifyCaptureRequest.self, NotifyRefundRequest.self,
        ]
        XCTAssertEqual(types.count, 72)
        // Foundation's own names still mean Foundation's types, unqualified.
        let foundation = Notification(name: Notification.Name("antom.test"))
        XCTAssertEqual(foundation.name.rawValue, "antom.test")
        let request = URLRequest(url: URL(string: "https://example.com")!)
        XCTAssertNil(request.httpBody)
        let result: Result<Data, Error> = .success(Data())
        XCTAssertNotNil(try? result.get())

        // And the binding's, in a plain verify.
        let client = try TestKeys.verifyOnlyClient()
        let headers: [Header] = [Header(name: "client-id", value: simulatorClientId)]
        XCTAssertThrowsError(try client.verifyNotification(path: "/antom/notify", headers: headers, body: Data("{}".utf8))) {
            XCTAssertEqual(($0 as? AntomError)?.code, "MISSING_HEADER")
        }
        let notification: AntomNotification? = nil
        XCTAssertNil(notification)
        let environment: Environment = client.environment()
        XCTAssertEqual(environment, .sandbox)
        let outcome: Outcome = .unknown
        XCTAssertEqual(outcome.name, "UNKNOWN")
    }
}
