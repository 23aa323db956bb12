// The models' forward-compatibility vectors (crates/antom-models/vectors/models.json): every
// vector through the Codable models, and the count the file states.
import Foundation
import XCTest
import AntomCore

final class ModelVectorsTests: XCTestCase {
    /// (the body written back, the top-level keys not described by the model) of `input`.
    private func run(_ model: String, _ input: Data) throws -> (JSONValue, [String]) {
        func back<M: Encodable>(_ value: M) throws -> JSONValue {
            try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
        }
        switch model {
        case "SubscriptionNotify":
            // A JSONModel: every field stays in `json`; the undescribed ones are what extra means.
            let m = try JSONDecoder().decode(SubscriptionNotify.self, from: input)
            return (try back(m), m.json.keys.filter { !SubscriptionNotify.describedFields.contains($0) }.sorted())
        case "CustomsDeclareResponse":
            let m = try JSONDecoder().decode(CustomsDeclareResponse.self, from: input)
            return (try back(m), m.json.keys.filter { !CustomsDeclareResponse.describedFields.contains($0) }.sorted())
        case "PayRequest":
            let m = try JSONDecoder().decode(PayRequest.self, from: input)
            return (try back(m), m.extra.keys.sorted())
        case "PayResponse":
            let m = try JSONDecoder().decode(PayResponse.self, from: input)
            return (try back(m), m.extra.keys.sorted())
        case "NotifyPaymentRequest":
            let m = try JSONDecoder().decode(NotifyPaymentRequest.self, from: input)
            return (try back(m), m.extra.keys.sorted())
        default:
            throw NSError(domain: "no runner for model \(model)", code: 1)
        }
    }

    func testEveryModelsVector() throws {
        let file = vectorsDir.appendingPathComponent("../../crates/antom-models/vectors/models.json").standardizedFileURL
        let data = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: file))
        guard case .object(let top) = data, case .array(let cases)? = top["cases"], case .number(let count)? = top["count"]
        else { return XCTFail("models.json has no cases") }
        var ran = 0
        for item in cases {
            guard case .object(let c) = item, case .string(let id)? = c["id"], case .string(let model)? = c["model"],
                  let input = c["input"], case .object(let expected)? = c["expected"]
            else { return XCTFail("a malformed case") }
            let body = try JSONEncoder().encode(input)
            if expected["ok"] == .bool(true) {
                let (json, extra) = try run(model, body)
                XCTAssertEqual(json, expected["json"], "\(id): written back")
                XCTAssertEqual(.array(extra.map(JSONValue.string)), expected["extra"], "\(id): extra")
                if case .object(let fields)? = expected["fields"], case .object(let back) = json {
                    for (name, value) in fields { XCTAssertEqual(back[name], value, "\(id): \(name)") }
                }
            } else {
                XCTAssertThrowsError(try run(model, body), id)
            }
            ran += 1
        }
        XCTAssertEqual(Double(ran), count, "every vector ran")
    }

    func testTypedCallsByName() throws {
        XCTAssertEqual(PayRequest.apiName, "payments.pay")
        XCTAssertEqual(PayRequest.apiPath, "v1/payments/pay")
        XCTAssertEqual(CustomerCreateRequest.apiPath, "v1/billing/customer/create")
        let reply = Data(#"{"result":{"resultCode":"SUCCESS","resultStatus":"S"},"paymentId":"p-1"}"#.utf8)
        let pay: PayResponse = try PayRequest.parseResponse(reply)
        XCTAssertEqual(pay.paymentId, "p-1")
        let created = try CustomerCreateRequest.parseResponse(Data(#"{"customerId":"c-1"}"#.utf8))
        XCTAssertEqual(created.customerId, "c-1")
        var request = CustomerCreateRequest()
        request.email = "buyer@example.com"
        XCTAssertEqual(String(decoding: try JSONEncoder().encode(request), as: UTF8.self), #"{"email":"buyer@example.com"}"#)
    }
}
