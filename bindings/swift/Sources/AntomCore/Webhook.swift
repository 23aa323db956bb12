// A notification endpoint without a framework: raw body bytes and request headers in, the
// HTTP reply to write out. Verification is the core's (`verifyNotification`); this only maps
// its result to a status, as the JVM's WebhookHandler and Python's webhooks do.
import Foundation

/// The HTTP reply `WebhookHandler` decided on: write `status`, `contentType` and `body` as
/// they are. `errorCode` is for your logs, never for the wire.
public struct WebhookReply: Equatable, CustomStringConvertible {
    /// The `errorCode` of a 500: the callback threw.
    public static let PROCESSING_FAILED = "PROCESSING_FAILED"

    /// 200 (verified and processed), 401 (not verified) or 500 (the callback threw).
    public let status: Int
    /// `NOTIFICATION_ACK` for 200; the error code alone otherwise.
    public let body: String
    /// `application/json` for 200, `text/plain; charset=utf-8` otherwise.
    public let contentType: String
    /// `nil` for 200; the `AntomError` code for 401; `PROCESSING_FAILED` for 500.
    public let errorCode: String?

    /// `body` as UTF-8 bytes.
    public var bodyData: Data { Data(body.utf8) }

    /// Status and code; never a cause's text.
    public var description: String { "WebhookReply(status: \(status), errorCode: \(errorCode ?? "nil"))" }
}

/// Verifies each notification with `client` (a verify-only client is enough) for `path`, the
/// path registered with Antom (e.g. `/antom/notify`: it is signed), then calls `callback`, and
/// only after it returns answers 200 with `NOTIFICATION_ACK`. A notification that does not
/// verify gets 401 with the error code as the body, and the callback is not called; a callback
/// that throws gets 500 (Antom delivers it again later). Process each notification once per
/// `dedupKey`, in the same transaction as its effect.
///
/// `maxAgeMs` (optional) refuses a notification whose signed `request-time` is further than
/// that from now (401 `INVALID_INPUT`); off by default, since Antom retries for about a day.
public final class WebhookHandler: @unchecked Sendable {
    /// The path registered with Antom as the notify URL's path.
    public let path: String
    private let client: Client
    private let maxAgeMs: UInt64?
    private let callback: (AntomNotification) throws -> Void

    public init(client: Client, path: String, maxAgeMs: UInt64? = nil,
                callback: @escaping (AntomNotification) throws -> Void) {
        self.client = client
        self.path = path
        self.maxAgeMs = maxAgeMs
        self.callback = callback
    }

    /// Handles a notification with headers as name/value pairs, in the order received.
    public func handle(headers: [(String, String)], body: Data) -> WebhookReply {
        reply {
            if let maxAgeMs = maxAgeMs {
                return try client.verifyNotification(path: path, headers: headers, body: body, maxAgeMs: maxAgeMs)
            }
            return try client.verifyNotification(path: path, headers: headers, body: body)
        }
    }

    /// Handles a notification with headers as a dictionary.
    public func handle(headers: [String: String], body: Data) -> WebhookReply {
        handle(headers: headers.map { ($0.key, $0.value) }, body: body)
    }

    private func reply(_ verify: () throws -> AntomNotification) -> WebhookReply {
        let notification: AntomNotification
        do {
            notification = try verify()
        } catch let error as AntomError {
            return WebhookReply(status: 401, body: error.code, contentType: Self.text, errorCode: error.code)
        } catch {
            return WebhookReply(status: 401, body: "INVALID_INPUT", contentType: Self.text, errorCode: "INVALID_INPUT")
        }
        do {
            try callback(notification)
        } catch {
            return WebhookReply(status: 500, body: WebhookReply.PROCESSING_FAILED, contentType: Self.text,
                                errorCode: WebhookReply.PROCESSING_FAILED)
        }
        return WebhookReply(status: 200, body: NOTIFICATION_ACK, contentType: "application/json", errorCode: nil)
    }

    private static let text = "text/plain; charset=utf-8"
}
