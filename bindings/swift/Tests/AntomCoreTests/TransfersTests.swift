// The special transports through `antom mock`: meter.createSession → uploadEvent (unsigned both
// ways, X-Session-Id: verified false, `.unknown`, never proof) and billing.product.uploadImage
// (multipart; the signature covers the JSON part; the reply verified), and an oversized file
// refused by its size before anything is sent.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

import AntomCore

final class TransfersTests: XCTestCase {
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

    func testCreateSessionThenUploadEventIsUnverifiedAndUnknown() async throws {
        let client = try simulator().client()
        let session = try await client.send(api: "v1/meter/createSession", body: #"{"meterType":"API_CALL"}"#)
        let response = try XCTUnwrap(session.response)
        XCTAssertTrue(response.verified)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        let sessionId = try XCTUnwrap(object["sessionId"] as? String)
        let reply = try await client.uploadEvent(sessionId: sessionId, body: #"{"events":[{"eventName":"call","value":"1"}]}"#)
        XCTAssertEqual(reply.status, 200)
        XCTAssertFalse(reply.reply.verified)
        XCTAssertEqual(reply.reply.outcome, .unknown)
        XCTAssertEqual(reply.reply.resultStatus, "S", "what the simulator sent, unverified")
        XCTAssertFalse(reply.description.contains(sessionId))
        let stranger = try await client.uploadEvent(sessionId: "no-such-session", body: #"{"events":[]}"#)
        XCTAssertFalse(stranger.reply.verified)
        XCTAssertEqual(stranger.reply.outcome, .unknown)
        XCTAssertNotEqual(stranger.reply.resultStatus, "S")
    }

    func testUploadImageFromBytesAndAFileTheReplyVerified() async throws {
        let client = try simulator().client()
        let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + Data(count: 100)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("swift-\(UUID().uuidString).png")
        try png.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        for response in [try await client.uploadImage(productId: "P-1", data: png),
                         try await client.uploadImage(productId: "P-1", file: file)] {
            XCTAssertTrue(response.verified)
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: response.body) as? [String: Any])
            XCTAssertEqual(object["productId"] as? String, "P-1")
        }
    }

    func testAnOversizedFileIsRefusedByItsSizeBeforeAnythingIsSent() async throws {
        let client = try simulator().client()
        let big = FileManager.default.temporaryDirectory.appendingPathComponent("swift-big-\(UUID().uuidString).png")
        XCTAssertTrue(FileManager.default.createFile(atPath: big.path, contents: nil))
        defer { try? FileManager.default.removeItem(at: big) }
        let handle = try FileHandle(forWritingTo: big)
        try handle.truncate(atOffset: 64 * 1024 * 1024) // sparse: larger than the upload limit
        try handle.close()
        do {
            _ = try await client.uploadImage(productId: "P-1", file: big)
            XCTFail("an oversized file was uploaded")
        } catch let error as AntomError {
            XCTAssertEqual(error.code, "INVALID_INPUT")
            XCTAssertTrue(String(describing: error).contains("larger than"), String(describing: error))
        }
    }
}
