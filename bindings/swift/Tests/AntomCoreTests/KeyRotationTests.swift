// A whole key rotation against `antom mock`, Antom's key and the merchant's, with a
// notification in flight across it (as crates/antom-cli/tests/key_rotation.rs): no
// verification fails, and nothing signed with a retired key is accepted.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

import AntomCore

/// A thread-safe count of the deliveries the listener answered.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next() -> Int {
        lock.lock(); defer { lock.unlock() }
        value += 1
        return value
    }
}

final class KeyRotationTests: XCTestCase {
    private let path = "/antom/notify"

    /// POSTs a simulator admin page; its JSON answer.
    private func admin(_ mock: AntomMock, _ page: String, _ body: String) async throws -> [String: Any] {
        var request = URLRequest(url: URL(string: mock.url + page)!)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        XCTAssertEqual((response as! HTTPURLResponse).statusCode, 200, String(decoding: data, as: UTF8.self))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    private func client(_ mock: AntomMock, key: String, keyVersion: UInt32, ring: [AntomKey]) throws -> Client {
        try Client(config: ClientConfig(clientId: simulatorClientId, credential: .privateKey(key: PrivateKey(text: key)),
                                        antomKeys: ring, gatewayUrl: mock.url, keyVersion: keyVersion))
    }

    private func code(_ body: () throws -> Any) -> String? {
        do { _ = try body(); return nil } catch let error as AntomError { return error.code } catch { return "\(error)" }
    }

    func testAWholeRotationWithANotificationInFlight() async throws {
        let mock = try AntomMock()
        defer { mock.stop() }
        // The first delivery is refused, so its retry (2 s later at --time-scale 60) comes after the rotation.
        let deliveries = Counter()
        let listener = try HttpListener { _ in
            if deliveries.next() == 1 {
                return .reply(status: 500, contentType: "text/plain", body: Data("down".utf8), headers: [])
            }
            return .reply(status: 200, contentType: "application/json", body: Data(notificationAck().utf8), headers: [])
        }
        defer { listener.stop() }
        let merchant = try readFile(TestKeys.merchantPrivateFile)
        let newMerchant = try readFile("keys/TEST-ONLY-other.private.pkcs8.b64")
        let oldAntom = try PublicKey(text: readFile(TestKeys.antomPublicFile))
        let id = "swift-rotation-\(UUID().uuidString.prefix(8))"
        let inquiry = #"{"paymentRequestId":"\#(id)"}"#

        // Before: one key each, version 1.
        let before = try client(mock, key: merchant, keyVersion: 1, ring: [AntomKey(key: oldAntom, keyVersion: 1)])
        let pay = try await before.send(api: "v1/payments/pay", body: #"{"paymentRequestId":"\#(id)","productCode":"CASHIER_PAYMENT","#
            + #""paymentAmount":{"currency":"USD","value":"1000"},"paymentMethod":{"paymentMethodType":"ALIPAY_CN"},"#
            + #""paymentNotifyUrl":"\#(listener.url)\#(path)"}"#)
        XCTAssertEqual(try XCTUnwrap(pay.response).verifiedBy?.keyVersion, 1)
        let paid = try XCTUnwrap(JSONSerialization.jsonObject(with: XCTUnwrap(pay.response).body) as? [String: Any])
        let checkoutStatus = try await httpGet(XCTUnwrap(paid["normalUrl"] as? String))
        XCTAssertEqual(checkoutStatus, 200)
        let first = try XCTUnwrap(listener.waitFor(count: 1, timeout: 20), mock.output)
        XCTAssertEqual(try before.verifyNotification(path: path, headers: first.headers, body: first.body).verifiedBy.keyVersion, 1)

        // During: Antom's next key joins the ring, then Antom switches to it.
        let rotated = try await admin(mock, "/mock/rotate-antom-key", "")
        XCTAssertEqual(rotated["keyVersion"] as? Int, 2)
        let newAntom = try PublicKey(text: XCTUnwrap(rotated["publicKey"] as? String))
        XCTAssertEqual(rotated["fingerprint"] as? String, newAntom.fingerprint())
        let ring = [AntomKey(key: oldAntom, keyVersion: 1), AntomKey(key: newAntom, keyVersion: 2)]
        let during = try client(mock, key: merchant, keyVersion: 1, ring: ring)
        do {
            _ = try await before.send(api: "v1/payments/inquiryPayment", body: inquiry)
            XCTFail("the old client accepted a response signed with keyVersion 2")
        } catch let error as AntomError {
            XCTAssertEqual(error.code, "UNKNOWN_KEY_VERSION")
        }
        let inquired = try await during.send(api: "v1/payments/inquiryPayment", body: inquiry)
        XCTAssertEqual(try XCTUnwrap(inquired.response).verifiedBy?.keyVersion, 2)
        XCTAssertEqual(try during.verifyNotification(path: path, headers: first.headers, body: first.body).verifiedBy.keyVersion, 1)

        // The merchant's new key, version 2: both merchant keys are accepted in the window.
        let newMerchantPublic = try PrivateKey(text: newMerchant).publicKey().toBase64()
        _ = try await admin(mock, "/mock/merchant-keys", #"{"keyVersion":2,"publicKey":"\#(newMerchantPublic)"}"#)
        let switched = try client(mock, key: newMerchant, keyVersion: 2, ring: ring)
        let viaNew = try await switched.send(api: "v1/payments/inquiryPayment", body: inquiry)
        XCTAssertEqual(viaNew.response?.verified, true)
        let viaOld = try await during.send(api: "v1/payments/inquiryPayment", body: inquiry)
        XCTAssertEqual(viaOld.response?.verified, true)

        // The in-flight notification is retried, signed with keyVersion 2, and verifies.
        let retried = try XCTUnwrap(listener.waitFor(count: 2, timeout: 20), mock.output)
        XCTAssertEqual(retried.body, first.body)
        let verified = try switched.verifyNotification(path: path, headers: retried.headers, body: retried.body)
        XCTAssertEqual(verified.verifiedBy, KeyId(keyVersion: 2, fingerprint: newAntom.fingerprint()))

        // After: the old keys are retired on both sides.
        _ = try await admin(mock, "/mock/merchant-keys/retire", #"{"keyVersion":1}"#)
        let after = try client(mock, key: newMerchant, keyVersion: 2, ring: [AntomKey(key: newAntom, keyVersion: 2)])
        let fresh = try await after.send(api: "v1/payments/inquiryPayment", body: inquiry)
        XCTAssertEqual(fresh.response?.verified, true)
        let staleResult = try await during.send(api: "v1/payments/inquiryPayment", body: inquiry)
        let stale = try XCTUnwrap(staleResult.response)
        XCTAssertFalse(stale.verified)
        XCTAssertEqual(stale.resultCode, "KEY_NOT_FOUND")
        XCTAssertEqual(code { try after.verifyNotification(path: path, headers: first.headers, body: first.body) }, "UNKNOWN_KEY_VERSION")
        let relabelled = first.headers.map { name, value in
            (name, name.lowercased() == "signature" ? value.replacingOccurrences(of: "keyVersion=1", with: "keyVersion=2") : value)
        }
        do {
            _ = try after.verifyNotification(path: path, headers: relabelled, body: first.body)
            XCTFail("a message signed with the retired key was accepted")
        } catch let error as AntomError {
            XCTAssertEqual(error.code, "SIGNATURE_MISMATCH")
            XCTAssertTrue(error.message.contains(newAntom.fingerprint()), error.message)
        }

        // Which key a captured message belongs to, in one call.
        let found = try whichKey(keys: [AntomKey(key: newAntom, keyVersion: nil), AntomKey(key: oldAntom, keyVersion: nil)],
                                 path: path, headers: first.headers.map { Header(name: $0.0, value: $0.1) }, body: first.body)
        XCTAssertEqual(found, KeyId(keyVersion: nil, fingerprint: oldAntom.fingerprint()))
    }

    func testTheMerchantsOwnKeyAsAntomsIsRefused() throws {
        let merchant = try PrivateKey(text: readFile(TestKeys.merchantPrivateFile))
        XCTAssertEqual(code {
            try Client(config: ClientConfig(clientId: simulatorClientId, credential: .privateKey(key: merchant),
                                            antomPublicKey: merchant.publicKey()))
        }, "WRONG_KEY")
    }
}
