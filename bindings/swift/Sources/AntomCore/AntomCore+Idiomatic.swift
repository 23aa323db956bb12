// Hand-written conveniences over the generated API (AntomCore.swift): conversions only, no
// protocol rules. Compiled and tested by `make test-swift` (Swift 6.0.3): see README.md.
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
        case .UnknownKeyVersion: return "UNKNOWN_KEY_VERSION"
        case .WrongKey: return "WRONG_KEY"
        }
    }

    /// The core's message, `"CODE: what to fix"`. Never contains key material or bodies.
    public var message: String {
        switch self {
        case .InvalidKey(let message), .InvalidInput(let message), .MalformedSignature(let message),
             .UnsupportedAlgorithm(let message), .SignatureMismatch(let message), .MissingHeader(let message),
             .ClientIdMismatch(let message), .UnsignedResponse(let message), .InvalidAmount(let message),
             .UnsupportedCurrency(let message), .SigningFailed(let message), .UnknownKeyVersion(let message),
             .WrongKey(let message):
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

extension Outcome {
    /// The stable string form: `SUCCEEDED`, `FAILED`, `PENDING`, `UNKNOWN`. Only `SUCCEEDED`
    /// proves payment; `PENDING` and `UNKNOWN` mean inquire, never ask the buyer to pay again.
    public var name: String {
        switch self {
        case .succeeded: return "SUCCEEDED"
        case .failed: return "FAILED"
        case .pending: return "PENDING"
        case .unknown: return "UNKNOWN"
        }
    }
}

/// The body to answer a verified, accepted notification with (HTTP 200).
public let NOTIFICATION_ACK: String = notificationAck()

/// The default `ClientConfig.maxBodyBytes`: 4 MiB.
public let DEFAULT_MAX_BODY_BYTES: UInt64 = defaultMaxBodyBytes()

/// The RSA engine of the native library: `"aws-lc"` (AWS-LC through aws-lc-rs).
public let ENGINE: String = engine()

// String forms: the core's one redaction rule (`redactHeader`, `describeBody`) for
// `description`, `debugDescription` and `dump()` (Mirror): `Authorization` and `Agent-Token`
// as `<redacted>`, bodies as `<N bytes>`. The fields themselves hold the real values.

extension Header: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "\(name): \(redactHeader(name: name, value: value))" }
    public var debugDescription: String { "Header(\(description))" }
    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "value": redactHeader(name: name, value: value)])
    }
}

extension PreparedRequest: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "PreparedRequest(method: \(method), url: \(url), headers: [\(headers.map(\.description).joined(separator: ", "))], "
            + "body: \(describeBody(body: Data(body.utf8))))"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["method": method, "url": url, "path": path, "headers": headers,
                                "body": describeBody(body: Data(body.utf8))])
    }
}

extension KeyId: CustomStringConvertible {
    /// `keyVersion 2 sha256:...` or `untagged sha256:...`: safe to log.
    public var description: String {
        keyVersion.map { "keyVersion \($0) \(fingerprint)" } ?? "untagged \(fingerprint)"
    }
}

extension ClientConfig {
    /// A configuration verifying with one Antom public key (an untagged key ring of one);
    /// during a rotation pass `antomKeys` instead (several keys tagged with their `keyVersion`).
    public init(clientId: String, credential: Credential, antomPublicKey: PublicKey, region: Region? = nil,
                environment: Environment? = nil, gatewayUrl: String? = nil, keyVersion: UInt32? = nil,
                agentToken: String? = nil, maxBodyBytes: UInt64? = nil) {
        self.init(clientId: clientId, credential: credential, antomKeys: [AntomKey(key: antomPublicKey, keyVersion: nil)],
                  region: region, environment: environment, gatewayUrl: gatewayUrl, keyVersion: keyVersion,
                  agentToken: agentToken, maxBodyBytes: maxBodyBytes)
    }
}

extension ApiResponse: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "ApiResponse(verified: \(verified), resultStatus: \(resultStatus.letter), resultCode: \(resultCode), "
            + "nextAction: \(nextAction), isSuccess: \(isSuccess), verifiedBy: \(verifiedBy.map(\.description) ?? "nil"), "
            + "body: \(describeBody(body: body)))"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["verified": verified, "resultStatus": resultStatus, "resultCode": resultCode,
                                "resultMessage": resultMessage, "nextAction": nextAction, "isSuccess": isSuccess,
                                "body": describeBody(body: body)])
    }
}

extension AntomNotification: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "AntomNotification(notifyType: \(notifyType ?? "nil"), resultStatus: \(resultStatus?.letter ?? "nil"), "
            + "clientId: \(clientId), requestTime: \(requestTime), dedupKey: \(dedupKey), "
            + "verifiedBy: \(verifiedBy.description), body: \(describeBody(body: body)))"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["notifyType": notifyType as Any, "resultStatus": resultStatus as Any,
                                "clientId": clientId, "requestTime": requestTime, "dedupKey": dedupKey,
                                "body": describeBody(body: body)])
    }
}

extension Client {
    /// Epoch milliseconds now: the default `Request-Time`.
    public static func nowMillis() -> UInt64 {
        UInt64(Date().timeIntervalSince1970 * 1000)
    }

    /// Refuses a body over `maxBodyBytes()` from its length alone, before it is copied into
    /// the native library; the error is the core's (`AntomError.InvalidInput`). The overloads
    /// below call it; call it yourself before the generated methods taking `[Header]`.
    public func checkBodySize(kind: BodyKind, body: Data) throws {
        let max = maxBodyBytes()
        if UInt64(body.count) > max {
            try AntomCore.checkBodySize(kind: kind, length: UInt64(body.count), maxBodyBytes: max)
        }
    }

    /// Signs a request to `api` with a text body (sent as UTF-8), at `requestTime` (default: now).
    public func prepare(api: String, body: String, requestTime: UInt64 = Client.nowMillis()) throws -> PreparedRequest {
        let data = Data(body.utf8)
        try checkBodySize(kind: .request, body: data)
        return try prepare(api: api, body: data, requestTime: requestTime)
    }

    /// Signs a request to `api` with `body`, now.
    public func prepare(api: String, body: Data) throws -> PreparedRequest {
        try checkBodySize(kind: .request, body: body)
        return try prepare(api: api, body: body, requestTime: Client.nowMillis())
    }

    /// Prepares a request whose signature comes from an external signer (a cloud KMS or an
    /// HSM), for a client built with `Credential.externalSigner(merchantPublicKey:)`: the core's
    /// two steps, `prepareExternal` and `finishExternal`, with `signer` in between. `signer`
    /// gets the `SigningRequest` (`message()`, or `digest()`: its SHA-256, for AWS KMS
    /// `DIGEST` and Google Cloud KMS) and returns the raw RSASSA-PKCS1-v1_5 / SHA-256
    /// signature. An error it throws becomes `AntomError.SigningFailed` (naming its type
    /// only: inspect the error inside the signer); a signature of the wrong length, or one
    /// that does not verify with the merchant public key, is `SigningFailed` too.
    public func prepare(
        api: String, body: Data, requestTime: UInt64 = Client.nowMillis(),
        signer: (SigningRequest) throws -> Data
    ) throws -> PreparedRequest {
        try checkBodySize(kind: .request, body: body)
        let pending = try prepareExternal(api: api, body: body, requestTime: requestTime)
        let signature: Data
        do {
            signature = try signer(pending)
        } catch {
            throw AntomError.SigningFailed(message: "SIGNING_FAILED: the external signer threw \(type(of: error)); "
                + "inspect it inside the signer (check the KMS/HSM call, its credentials and the key id)")
        }
        return try finishExternal(request: pending, signature: signature)
    }

    /// `verifyResponse` with headers as name/value pairs.
    public func verifyResponse(path: String, headers: [(String, String)], body: Data) throws -> ApiResponse {
        try checkBodySize(kind: .response, body: body)
        return try verifyResponse(path: path, headers: headers.map { Header(name: $0.0, value: $0.1) }, body: body)
    }

    /// `verifyResponse` with headers as a dictionary.
    public func verifyResponse(path: String, headers: [String: String], body: Data) throws -> ApiResponse {
        try checkBodySize(kind: .response, body: body)
        return try verifyResponse(path: path, headers: headers.map { Header(name: $0.key, value: $0.value) }, body: body)
    }

    /// `verifyNotification` with headers as name/value pairs.
    public func verifyNotification(path: String, headers: [(String, String)], body: Data) throws -> AntomNotification {
        try checkBodySize(kind: .notification, body: body)
        return try verifyNotification(path: path, headers: headers.map { Header(name: $0.0, value: $0.1) }, body: body)
    }

    /// `verifyNotification` with headers as a dictionary.
    public func verifyNotification(path: String, headers: [String: String], body: Data) throws -> AntomNotification {
        try checkBodySize(kind: .notification, body: body)
        return try verifyNotification(path: path, headers: headers.map { Header(name: $0.key, value: $0.value) }, body: body)
    }

    /// `verifyNotification` with an opt-in replay window: refuses (`InvalidInput`) a
    /// notification whose signed `request-time` is further than `maxAgeMs` from `nowMs`
    /// (default: now). Off unless asked for: Antom retries deliveries for about a day.
    public func verifyNotification(path: String, headers: [(String, String)], body: Data,
                                   maxAgeMs: UInt64, nowMs: UInt64 = Client.nowMillis()) throws -> AntomNotification {
        try checkBodySize(kind: .notification, body: body)
        return try verifyNotificationFresh(path: path, headers: headers.map { Header(name: $0.0, value: $0.1) },
                                           body: body, freshness: Freshness(nowMs: nowMs, maxAgeMs: maxAgeMs))
    }

    /// As above, with headers as a dictionary.
    public func verifyNotification(path: String, headers: [String: String], body: Data,
                                   maxAgeMs: UInt64, nowMs: UInt64 = Client.nowMillis()) throws -> AntomNotification {
        try checkBodySize(kind: .notification, body: body)
        return try verifyNotificationFresh(path: path, headers: headers.map { Header(name: $0.key, value: $0.value) },
                                           body: body, freshness: Freshness(nowMs: nowMs, maxAgeMs: maxAgeMs))
    }

    /// The RSA engine that signs and verifies: `ENGINE`.
    public var engine: String { ENGINE }
}
