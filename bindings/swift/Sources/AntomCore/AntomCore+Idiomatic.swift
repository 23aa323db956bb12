// Hand-written conveniences over the generated API (AntomCore.swift): conversions only, no
// protocol rules. Not compiled on our machines (no Swift toolchain): see README.md.
import Foundation

extension AntomError {
    /// The stable error code to branch on: `"SIGNATURE_MISMATCH"`, `"INVALID_KEY"`, ...
    public var code: String {
        switch self {
        case .InvalidKey: return "INVALID_KEY"
        case .InvalidInput: return "INVALID_INPUT"
        case .MalformedSignature: return "MALFORMED_SIGNATURE"
        case .UnsupportedAlgorithm: return "UNSUPPORTED_ALGORITHM"
        case .SignatureMismatch: return "SIGNATURE_MISMATCH"
        case .MissingHeader: return "MISSING_HEADER"
        case .ClientIdMismatch: return "CLIENT_ID_MISMATCH"
        case .UnsignedResponse: return "UNSIGNED_RESPONSE"
        case .InvalidAmount: return "INVALID_AMOUNT"
        case .UnsupportedCurrency: return "UNSUPPORTED_CURRENCY"
        case .SigningFailed: return "SIGNING_FAILED"
        }
    }

    /// The core's message, `"CODE: what to fix"`. Never contains key material or bodies.
    public var message: String {
        switch self {
        case .InvalidKey(let message), .InvalidInput(let message), .MalformedSignature(let message),
             .UnsupportedAlgorithm(let message), .SignatureMismatch(let message), .MissingHeader(let message),
             .ClientIdMismatch(let message), .UnsignedResponse(let message), .InvalidAmount(let message),
             .UnsupportedCurrency(let message), .SigningFailed(let message):
            return message
        }
    }
}

extension ResultStatus {
    /// The wire letter: `S`, `F` or `U`.
    public var letter: String {
        switch self {
        case .success: return "S"
        case .failed: return "F"
        case .unknown: return "U"
        }
    }
}

/// The body to answer a verified, accepted notification with (HTTP 200).
public let NOTIFICATION_ACK: String = notificationAck()

extension Client {
    /// Epoch milliseconds now: the default `Request-Time`.
    public static func nowMillis() -> UInt64 {
        UInt64(Date().timeIntervalSince1970 * 1000)
    }

    /// Signs a request to `api` with a text body (sent as UTF-8), at `requestTime` (default: now).
    public func prepare(api: String, body: String, requestTime: UInt64 = Client.nowMillis()) throws -> PreparedRequest {
        try prepare(api: api, body: Data(body.utf8), requestTime: requestTime)
    }

    /// Signs a request to `api` with `body`, now.
    public func prepare(api: String, body: Data) throws -> PreparedRequest {
        try prepare(api: api, body: body, requestTime: Client.nowMillis())
    }

    /// `verifyResponse` with headers as name/value pairs.
    public func verifyResponse(path: String, headers: [(String, String)], body: Data) throws -> ApiResponse {
        try verifyResponse(path: path, headers: headers.map { Header(name: $0.0, value: $0.1) }, body: body)
    }

    /// `verifyResponse` with headers as a dictionary.
    public func verifyResponse(path: String, headers: [String: String], body: Data) throws -> ApiResponse {
        try verifyResponse(path: path, headers: headers.map { Header(name: $0.key, value: $0.value) }, body: body)
    }

    /// `verifyNotification` with headers as name/value pairs.
    public func verifyNotification(path: String, headers: [(String, String)], body: Data) throws -> Notification {
        try verifyNotification(path: path, headers: headers.map { Header(name: $0.0, value: $0.1) }, body: body)
    }

    /// `verifyNotification` with headers as a dictionary.
    public func verifyNotification(path: String, headers: [String: String], body: Data) throws -> Notification {
        try verifyNotification(path: path, headers: headers.map { Header(name: $0.key, value: $0.value) }, body: body)
    }
}
