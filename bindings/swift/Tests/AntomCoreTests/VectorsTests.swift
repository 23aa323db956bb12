// Runs every conformance vector in tests/vectors/ through the Swift API and checks the
// manifest's counts. Mirrors crates/antom-core/tests/vectors.rs. `make test-swift` runs it
// with Swift 6.0.3 (Debian trixie's swiftlang) and checks the count it prints.
import Foundation
import XCTest

import AntomCore

private func load(_ name: String) throws -> [String: Any] {
    let data = try Data(contentsOf: vectorsDir.appendingPathComponent(name))
    return try JSONSerialization.jsonObject(with: data) as! [String: Any]
}

/// A JSON number, whichever type JSONSerialization produced it as (Darwin and Linux differ).
private func number(_ value: Any?) -> NSNumber? {
    switch value {
    case let n as NSNumber: return n
    case let i as Int: return NSNumber(value: i)
    case let i as Int64: return NSNumber(value: i)
    case let u as UInt64: return NSNumber(value: u)
    case let d as Double: return NSNumber(value: d)
    default: return nil
    }
}

/// A vector "text": a string, or {"prefix", "repeat", "count", "suffix"}.
private func text(_ value: Any?) -> String {
    if let s = value as? String { return s }
    let o = value as! [String: Any]
    let count = number(o["count"])!.intValue
    return (o["prefix"] as? String ?? "") + String(repeating: o["repeat"] as? String ?? "", count: count)
        + (o["suffix"] as? String ?? "")
}

/// `[name, value]` pairs; a value is a text (a string, or the long form).
private func headers(_ value: Any?) -> [Header] {
    (value as! [[Any]]).map { Header(name: $0[0] as! String, value: text($0[1])) }
}

private func body(_ input: [String: Any]) -> Data {
    if let b64 = input["body_base64"] as? String { return Data(base64Encoded: b64)! }
    return Data(text(input["body"]).utf8)
}

/// Neither `private_key_file` nor `api_key`: a verify-only client.
/// `antom_keys` (a key ring, tags optional), else one `antom_public_key_file` (untagged).
private func antomKeys(_ c: [String: Any]) throws -> [AntomKey] {
    guard let members = c["antom_keys"] as? [[String: Any]] else {
        return [AntomKey(key: try PublicKey(text: readFile(c["antom_public_key_file"] as! String)), keyVersion: nil)]
    }
    return try members.map {
        AntomKey(key: try PublicKey(text: readFile($0["key_file"] as! String)),
                 keyVersion: number($0["key_version"]).map { $0.uint32Value })
    }
}

/// `verified_by` as the vectors write it (`NSNull` for none).
private func keyId(_ id: KeyId?) -> Any {
    guard let id = id else { return NSNull() }
    let fields: [String: Any?] = ["key_version": id.keyVersion.map { Int64($0) as Any } ?? NSNull(),
                                  "fingerprint": id.fingerprint]
    return fields
}

private func makeClient(_ c: [String: Any]) throws -> Client {
    let antom = try antomKeys(c)
    let credential: Credential
    if let file = c["private_key_file"] as? String {
        let key = try PrivateKey(text: readFile(file))
        credential = .privateKey(key: key)
    } else if let apiKey = c["api_key"] as? String {
        credential = .apiKey(key: apiKey)
    } else {
        credential = .verifyOnly
    }
    let region = try (c["region"] as? String).map { try parseRegion(text: $0) }
    let environment = try (c["environment"] as? String).map { try parseEnvironment(text: $0) }
    return try Client(config: ClientConfig(
        clientId: c["client_id"] as! String,
        credential: credential,
        antomKeys: antom,
        region: region,
        environment: environment,
        gatewayUrl: c["gateway_url"] as? String,
        keyVersion: number(c["key_version"]).map { $0.uint32Value },
        agentToken: c["agent_token"] as? String,
        maxBodyBytes: number(c["max_body_bytes"]).map { $0.uint64Value }
    ))
}

private func nextActionName(_ action: NextAction) -> String {
    switch action {
    case .done: return "DONE"
    case .failed: return "FAILED"
    case .inquire: return "INQUIRE"
    }
}

/// Runs one operation; the values are String, Bool, Int64, [[String]] or nil (JSON null).
private func run(_ operation: String, _ input: [String: Any]) throws -> [String: Any?] {
    switch operation {
    case "parse_key":
        let isPrivate = (input["kind"] as! String) == "private"
        let key: PublicKey
        if let der = input["der_base64"] as? String {
            let bytes = Data(base64Encoded: der)!
            key = try isPrivate ? PrivateKey.fromDer(der: bytes).publicKey() : PublicKey.fromDer(der: bytes)
        } else {
            let t = try (input["text_file"] as? String).map { try readFile($0) } ?? text(input["text"])
            key = try isPrivate ? PrivateKey(text: t).publicKey() : PublicKey(text: t)
        }
        return ["bits": Int64(key.bits()), "public_key_base64": key.toBase64()]
    case "content_to_sign":
        let content = contentToSign(
            method: input["method"] as! String, path: input["path"] as! String,
            clientId: input["client_id"] as! String, time: input["time"] as! String, body: text(input["body"]))
        let digest = sha256Hex(Data(content.utf8))
        return ["content": content, "content_sha256": digest, "content_length": Int64(content.utf8.count)]
    case "sign":
        let key = try PrivateKey(text: readFile(input["private_key_file"] as! String))
        let signature = try key.sign(content: text(input["content"]))
        let raw = signature.replacingOccurrences(of: "%2B", with: "+")
            .replacingOccurrences(of: "%2F", with: "/").replacingOccurrences(of: "%3D", with: "=")
        return ["signature": signature, "signature_base64": raw]
    case "verify":
        let key = try PublicKey(text: readFile(input["public_key_file"] as! String))
        let valid = try key.verify(content: text(input["content"]), signature: text(input["signature"]))
        return ["valid": valid]
    case "signature_header":
        if let value = input["parse"] {
            // A text: a string, or the {prefix, repeat, count, suffix} form of the long ones.
            let h = try parseSignatureHeader(value: text(value))
            return ["algorithm": h.algorithm, "key_version": h.keyVersion.map { Int64($0) }, "signature": h.signature]
        }
        let f = input["format"] as! [String: Any]
        return ["header": formatSignatureHeader(
            keyVersion: number(f["key_version"])!.uint32Value, signature: f["signature"] as! String)]
    case "prepare":
        let config = input["config"] as! [String: Any]
        let requestTime = number(input["request_time"])!.uint64Value
        let r = try makeClient(config).prepare(
            api: input["api"] as! String, body: body(input), requestTime: requestTime)
        let content = contentToSign(
            method: r.method, path: r.path, clientId: config["client_id"] as! String,
            time: String(requestTime), body: r.body)
        return ["method": r.method, "url": r.url, "path": r.path,
                "headers": r.headers.map { [$0.name, $0.value] }, "body": r.body, "content": content]
    case "verify_response":
        let sent = body(input)
        let r = try makeClient(input["config"] as! [String: Any]).verifyResponse(
            path: input["path"] as! String, headers: headers(input["headers"]), body: sent)
        XCTAssertEqual(r.body, sent, "the response body is not the bytes that were verified")
        return ["verified": r.verified, "result_status": r.resultStatus.letter, "result_code": r.resultCode,
                "result_message": r.resultMessage, "next_action": nextActionName(r.nextAction),
                "outcome": r.outcome.name, "verified_by": keyId(r.verifiedBy)]
    case "verify_notification":
        let sent = body(input)
        let client = try makeClient(input["config"] as! [String: Any])
        let path = input["path"] as! String
        let n: AntomNotification
        if let f = input["freshness"] as? [String: Any] {
            n = try client.verifyNotificationFresh(
                path: path, headers: headers(input["headers"]), body: sent,
                freshness: Freshness(nowMs: number(f["now_ms"])!.uint64Value,
                                     maxAgeMs: number(f["max_age_ms"])!.uint64Value))
        } else {
            n = try client.verifyNotification(path: path, headers: headers(input["headers"]), body: sent)
        }
        XCTAssertEqual(n.body, sent, "the notification body is not the bytes that were verified")
        return ["notify_type": n.notifyType, "result_status": n.resultStatus.map { $0.letter },
                "client_id": n.clientId, "request_time": n.requestTime, "dedup_key": n.dedupKey,
                "outcome": n.outcome.name, "verified_by": keyId(n.verifiedBy)]
    case "fingerprint":
        let keyText = try readFile(input["key_file"] as! String)
        let key = input["kind"] as! String == "private"
            ? try PrivateKey(text: keyText).publicKey() : try PublicKey(text: keyText)
        return ["fingerprint": key.fingerprint()]
    case "amount":
        if let t = input["to_minor_units"] as? [String: Any] {
            let value = try toMinorUnits(amount: t["amount"] as! String, currency: t["currency"] as! String)
            return ["value": value]
        }
        let f = input["from_minor_units"] as! [String: Any]
        let amount = try fromMinorUnits(value: f["value"] as! String, currency: f["currency"] as! String)
        return ["amount": amount]
    case "endpoint":
        guard let e = endpoint(name: input["name"] as! String) else { return ["found": false] }
        return ["path": e.path, "group": e.group, "found": true]
    case "prepare_external":
        // external_signer.json: the two steps with the vector's signature (made by OpenSSL).
        let c = input["config"] as! [String: Any]
        let merchant = try (c["merchant_public_key_file"] as? String).map { try PublicKey(text: readFile($0)) }
        let client = try Client(config: ClientConfig(
            clientId: c["client_id"] as! String,
            credential: .externalSigner(merchantPublicKey: merchant),
            antomKeys: try antomKeys(c),
            region: try (c["region"] as? String).map { try parseRegion(text: $0) },
            environment: try (c["environment"] as? String).map { try parseEnvironment(text: $0) },
            gatewayUrl: c["gateway_url"] as? String,
            keyVersion: number(c["key_version"]).map { $0.uint32Value },
            agentToken: c["agent_token"] as? String,
            maxBodyBytes: number(c["max_body_bytes"]).map { $0.uint64Value }
        ))
        let signature = Data(base64Encoded: input["signature_base64"] as? String ?? "")!
        var asked: [SigningRequest] = []
        var finish: [String: Any?]
        do {
            let r = try client.prepare(
                api: input["api"] as! String, body: body(input),
                requestTime: number(input["request_time"])!.uint64Value
            ) { request in
                asked.append(request)
                return signature
            }
            finish = ["method": r.method, "url": r.url, "path": r.path,
                      "headers": r.headers.map { [$0.name, $0.value] }, "body": r.body]
        } catch let error as AntomError where error.code == "SIGNING_FAILED" && asked.count == 1 {
            finish = ["error": error.code]
        }
        let pending = asked[0]
        return ["message": String(decoding: pending.message(), as: UTF8.self),
                "digest_hex": pending.digest().map { String(format: "%02x", $0) }.joined(),
                "finish": finish]
    case "retry":
        return try retryCase(input)
    case "mask_body":
        return ["masked": maskBody(body: body(input))]
    default:
        fatalError("unknown operation \(operation)")
    }
}

/// retry.json: the policy's check, attempt timeouts, decisions and span names.
private func retryCase(_ input: [String: Any]) throws -> [String: Any?] {
    let step = input["step"] as! String
    if step == "span_name" {
        return ["span_name": spanName(path: input["path"] as! String)]
    }
    let p = input["policy"] as! [String: Any]
    let policy = RetryPolicy(
        maxAttempts: number(p["max_attempts"])!.uint32Value,
        initialBackoffMs: number(p["initial_backoff_ms"])!.uint64Value,
        maxBackoffMs: number(p["max_backoff_ms"])!.uint64Value,
        attemptTimeoutMs: number(p["attempt_timeout_ms"])!.uint64Value,
        deadlineMs: number(p["deadline_ms"])!.uint64Value,
        retryWithoutIdempotencyKey: p["retry_without_idempotency_key"] as! Bool
    )
    let elapsed = number(input["elapsed_ms"])?.uint64Value ?? 0
    switch step {
    case "check":
        try checkRetryPolicy(policy: policy)
        return ["valid": true]
    case "attempt_timeout":
        let timeout = attemptTimeoutMs(policy: policy, elapsedMs: elapsed)
        return ["timeout_ms": timeout.map { Int64($0) as Any } ?? NSNull()]
    case "decide":
        let f = input["failure"] as! [String: Any]
        let failure: AttemptFailure
        switch f["kind"] as! String {
        case "transport": failure = .transport
        case "timeout": failure = .timeout
        default: failure = .httpStatus(status: number(f["status"])!.uint16Value)
        }
        let decision = decideRetry(
            policy: policy, path: input["path"] as! String,
            body: Data((input["body"] as! String).utf8),
            attempt: number(input["attempt"])!.uint32Value, elapsedMs: elapsed,
            failure: failure, random: number(input["random"])!.uint64Value
        )
        return ["retry": decision.retry, "delay_ms": Int64(decision.delayMs), "reason": decision.reason]
    default:
        fatalError("unknown retry step \(step)")
    }
}

/// Compares an expected JSON value with a value `run` produced, by the produced value's type.
private func matches(_ want: Any, _ got: Any?) -> Bool {
    switch got {
    case .none: return want is NSNull
    case is NSNull: return want is NSNull
    case let s as String: return (want as? String) == s
    case let b as Bool: return (want as? Bool) == b
    case let i as Int64: return number(want)?.int64Value == i
    case let rows as [[String]]: return (want as? [[String]]) == rows
    case let fields as [String: Any?]:
        guard let w = want as? [String: Any], w.count == fields.count else { return false }
        return w.allSatisfy { key, value in fields[key].map { matches(value, $0) } ?? false }
    default: return false
    }
}

/// `nil` when the case passes, else why it failed.
private func check(_ operation: String, _ testCase: [String: Any]) -> String? {
    let id = testCase["id"] as! String
    let expect = testCase["expect"] as! [String: Any]
    let wantError = expect["error"] as? String
    do {
        let got = try run(operation, testCase["input"] as! [String: Any])
        if let wantError = wantError { return "\(id): expected error \(wantError), got a result" }
        for (key, want) in expect {
            guard let value = got[key] else { return "\(id): no field \(key)" }
            if !matches(want, value) { return "\(id): field \(key): expected \(want), got \(String(describing: value))" }
        }
        return nil
    } catch let error as AntomError {
        // hostile.json: no forbidden substring in any string form of the error.
        let forms = [error.message, "\(error)", String(reflecting: error)]
        for forbidden in (testCase["forbidden"] as? [String]) ?? [] where forms.contains(where: { $0.contains(forbidden) }) {
            return "\(id): the error text contains \(forbidden)"
        }
        guard let wantError = wantError else { return "\(id): unexpected error \(error.message)" }
        if error.code != wantError { return "\(id): expected error \(wantError), got \(error.code)" }
        if !error.message.hasPrefix("\(wantError):") { return "\(id): message does not start with the code" }
        return nil
    } catch {
        return "\(id): unexpected \(error)"
    }
}

final class VectorsTests: XCTestCase {
    func testEveryVectorPassesAndTheManifestCountIsMet() throws {
        let manifest = try load("manifest.json")
        let files = manifest["files"] as! [String: Any]
        var total = 0
        var failures: [String] = []
        for (file, count) in files.sorted(by: { $0.key < $1.key }) {
            let doc = try load(file)
            let operation = doc["operation"] as! String
            let cases = doc["cases"] as! [[String: Any]]
            XCTAssertEqual(cases.count, number(count)!.intValue, "\(file): case count vs manifest")
            for testCase in cases {
                // hostile.json mixes operations: each case names its own.
                let caseOperation = operation == "hostile" ? testCase["operation"] as! String : operation
                if let failure = check(caseOperation, testCase) { failures.append("\(file)#\(failure)") }
                total += 1
            }
        }
        for failure in failures { XCTFail(failure) }
        XCTAssertEqual(total, number(manifest["total"])!.intValue, "total cases vs manifest")
        XCTAssertGreaterThanOrEqual(total, 200)
        print("VectorsTests: \(total - failures.count) of \(total) conformance vectors passed")
    }

    func testErrorsCarryTheirCode() {
        XCTAssertThrowsError(try PrivateKey(text: "certainly-not-a-key")) { error in
            XCTAssertEqual((error as? AntomError)?.code, "INVALID_KEY")
        }
        XCTAssertThrowsError(try toMinorUnits(amount: "10.505", currency: "USD")) { error in
            XCTAssertEqual((error as? AntomError)?.code, "INVALID_AMOUNT")
        }
    }

    func testDescriptionsNeverShowKeyMaterial() throws {
        let keyText = try readFile("keys/TEST-ONLY-merchant.private.pkcs8.b64")
        let key = try PrivateKey(text: keyText)
        let compact = keyText.filter { !$0.isWhitespace }
        let shown = "\(key) \(String(reflecting: key))"
        var offset = compact.startIndex
        while compact.distance(from: offset, to: compact.endIndex) >= 12 {
            let window = String(compact[offset..<compact.index(offset, offsetBy: 12)])
            XCTAssertFalse(shown.contains(window), "the description shows part of the key")
            offset = compact.index(offset, offsetBy: 6)
        }
    }
}
