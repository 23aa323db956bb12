// `Client.send`: one prepared request on the wire over URLSession (FoundationNetworking on
// Linux), its reply verified by the core, and the outcome. The rules are about the exchange,
// not the protocol, and are the other runtimes' (Python, Node, JVM): a reply that never came
// (transport error, timeout) or came with a non-2xx status says nothing about the operation,
// so its outcome is `.unknown`, never `.failed`; a 2xx reply goes to the core
// (`verifyResponse`), which decides.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// How `Client.send` sends: the session configuration, the timeout and the (opt-in) retries.
///
/// When to retry is the core's rule (`decideRetry`, the same in every runtime): only a
/// transport error, a timeout or an HTTP 5xx, only for a request whose API has an idempotency
/// field the body carries (or an inquiry), with capped, jittered exponential backoff, all
/// within one deadline. `retries` and `timeout` are the simple form of that policy
/// (`simpleRetryPolicy`); `retryPolicy` sets it whole.
public struct SendOptions {
    /// The default timeout of one attempt: 30 seconds.
    public static let defaultTimeout: TimeInterval = 30

    /// The most one attempt may take, from sending to the last byte of the reply (default 30 s).
    /// When it passes the outcome is `.unknown`: the request may have taken effect.
    public var timeout: TimeInterval
    /// Extra attempts after a transport error, a timeout or an HTTP 5xx (default 0: none), for
    /// idempotent requests only. Each resends the identical prepared request (same bytes,
    /// headers, `Request-Time` and signature), so Antom sees the same request id again.
    public var retries: Int
    /// Unused since the wait between attempts is the core's backoff (from 500 ms, doubling,
    /// capped at 5 s, jittered); kept so existing code compiles. Set `retryPolicy` to change it.
    public var retryDelay: TimeInterval
    /// The whole policy (attempts, backoff, each attempt's timeout, the deadline over all);
    /// when set, `timeout` and `retries` are ignored. Checked by `checkRetryPolicy`.
    public var retryPolicy: RetryPolicy?
    /// Called once per attempt with the core's event shape (`SendEvent`): names, numbers and
    /// codes, never a header value, key, signature or body unless `includeBodies`. A hook runs
    /// on the sending task; it cannot change the result.
    public var onEvent: ((SendEvent) -> Void)?
    /// Put the request and reply bodies in events, masked by the core (`maskBody`: card numbers,
    /// CVV, account numbers, names, emails, phones, tokens). Off by default.
    public var includeBodies: Bool
    /// The `URLSessionConfiguration` each send's session is made from (default `.ephemeral`:
    /// no cookies, no cache). TLS certificates are verified by URLSession's default handling;
    /// this library has no switch to turn that off. Redirects are never followed.
    public var configuration: URLSessionConfiguration

    public init(timeout: TimeInterval = SendOptions.defaultTimeout, retries: Int = 0, retryDelay: TimeInterval = 1,
                configuration: URLSessionConfiguration = .ephemeral, retryPolicy: RetryPolicy? = nil,
                onEvent: ((SendEvent) -> Void)? = nil, includeBodies: Bool = false) {
        self.timeout = timeout
        self.retries = retries
        self.retryDelay = retryDelay
        self.configuration = configuration
        self.retryPolicy = retryPolicy
        self.onEvent = onEvent
        self.includeBodies = includeBodies
    }

    /// The policy this send follows (checked).
    fileprivate func policy() throws -> RetryPolicy {
        if let policy = retryPolicy {
            try checkRetryPolicy(policy: policy)
            return policy
        }
        guard timeout > 0, timeout.isFinite else {
            throw AntomError.InvalidInput(message: "INVALID_INPUT: SendOptions.timeout must be a positive number of seconds")
        }
        guard retries >= 0 else { throw AntomError.InvalidInput(message: "INVALID_INPUT: SendOptions.retries must not be negative") }
        guard retryDelay >= 0, retryDelay.isFinite else {
            throw AntomError.InvalidInput(message: "INVALID_INPUT: SendOptions.retryDelay must not be negative")
        }
        let policy = simpleRetryPolicy(retries: UInt32(clamping: retries),
                                       attemptTimeoutMs: UInt64(max(1, (timeout * 1000).rounded(.up))))
        try checkRetryPolicy(policy: policy)
        return policy
    }
}

/// Why `Client.send` has no verified answer. The request may or may not have taken effect:
/// the outcome is `.unknown`, so inquire (or resend the identical request).
public struct SendError: Error, Equatable, CustomStringConvertible {
    /// The connection failed or broke (refused, reset, DNS, TLS...).
    public static let TRANSPORT_ERROR = "TRANSPORT_ERROR"
    /// No complete reply within `SendOptions.timeout`.
    public static let TIMEOUT = "TIMEOUT"
    /// A reply whose status is outside 2xx (its body is never read as a result).
    public static let HTTP_STATUS = "HTTP_STATUS"

    /// `TRANSPORT_ERROR`, `TIMEOUT` or `HTTP_STATUS`.
    public let code: String
    /// What happened (`"HTTP 503"`, the error's type and text): never a body or a header value.
    public let message: String

    /// `CODE: message`.
    public var description: String { "\(code): \(message)" }
}

/// What `Client.send` got. Branch on `outcome`: `.succeeded` only comes from a verified
/// response; every send without one is `.unknown` (inquire, never ask the buyer to pay again).
public struct SendResult: CustomStringConvertible {
    /// The response's outcome (the core's decision), or `.unknown` when there is no `response`.
    public let outcome: Outcome
    /// The verified (or accepted unsigned gateway-error) response; `nil` when `error` is set.
    public let response: ApiResponse?
    /// The HTTP status of the last reply; `nil` when none came (transport error, timeout).
    public let httpStatus: Int?
    /// Why there is no `response`; `nil` when there is one.
    public let error: SendError?
    /// The request that was sent (every attempt sent exactly it): resend it with
    /// `send(prepared:options:)` to retry later with the same request id.
    public let request: PreparedRequest
    /// How many times it was sent: 1, plus the retries made.
    public let attempts: Int

    /// No body and no key material: the core's redaction applies to the request and response.
    public var description: String {
        "SendResult(outcome: \(outcome.name), httpStatus: \(httpStatus.map(String.init) ?? "nil"), "
            + "error: \(error.map(\.description) ?? "nil"), attempts: \(attempts), "
            + "response: \(response.map(\.description) ?? "nil"))"
    }
}

extension Client {
    /// Prepares a request to `api` with `body` (`prepare(api:body:requestTime:)`), POSTs exactly
    /// those bytes and headers, verifies the reply (`verifyResponse`) and returns a
    /// `SendResult`: branch on its `outcome`.
    ///
    /// - A 2xx reply that verifies: `outcome` is the response's and `response` is set.
    /// - No reply (`SendError.TRANSPORT_ERROR`), none within `options.timeout` (`TIMEOUT`) or a
    ///   non-2xx status (`HTTP_STATUS`): `outcome` is `.unknown`, nothing is thrown. The request
    ///   may have taken effect: inquire, or resend `result.request`.
    /// - A 2xx reply that does not verify throws the `AntomError` `verifyResponse` throws (a
    ///   body over `maxBodyBytes` is cut there and refused as `InvalidInput`). The request may
    ///   have taken effect all the same: inquire.
    ///
    /// Errors from `prepare` (nothing was sent) are thrown as there.
    public func send(api: String, body: Data, requestTime: UInt64 = Client.nowMillis(),
                     options: SendOptions = SendOptions()) async throws -> SendResult {
        _ = try options.policy()
        let request = try prepare(api: api, body: body, requestTime: requestTime)
        return try await send(prepared: request, options: options)
    }

    /// `send(api:body:requestTime:options:)` with a text body (sent as UTF-8).
    public func send(api: String, body: String, requestTime: UInt64 = Client.nowMillis(),
                     options: SendOptions = SendOptions()) async throws -> SendResult {
        try await send(api: api, body: Data(body.utf8), requestTime: requestTime, options: options)
    }

    /// Sends a request from `prepare` (or a `SendResult`'s `request`) as it is, byte for byte,
    /// and verifies the reply: `send(api:body:)` without the prepare step, with the same rules.
    public func send(prepared request: PreparedRequest, options: SendOptions = SendOptions()) async throws -> SendResult {
        let policy = try options.policy()
        guard let url = URL(string: request.url) else {
            throw AntomError.InvalidInput(message: "INVALID_INPUT: the prepared request's url is not a URL")
        }
        let body = Data(request.body.utf8)
        var http = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData)
        http.httpMethod = request.method
        http.httpBody = body
        for header in request.headers { http.setValue(header.value, forHTTPHeaderField: header.name) }
        let limit = maxBodyBytes()
        let started = DispatchTime.now()
        func elapsedMs() -> UInt64 { (DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000 }
        var timeoutMs = attemptTimeoutMs(policy: policy, elapsedMs: 0) ?? policy.attemptTimeoutMs
        var attempts: UInt32 = 0
        while true {
            attempts += 1
            var event = newSendEvent(path: request.path, attempt: attempts, requestBodyLen: UInt64(body.count))
            if options.includeBodies { event.requestBody = maskBody(body: body) }
            let attemptStart = DispatchTime.now()
            let timeout = TimeInterval(timeoutMs) / 1000
            http.timeoutInterval = timeout
            let reply = await Exchange.run(http, configuration: options.configuration, timeout: timeout, limit: limit)
            event.durationMs = (DispatchTime.now().uptimeNanoseconds - attemptStart.uptimeNanoseconds) / 1_000_000
            let failure: AttemptFailure
            let sendError: SendError
            var status: Int?
            switch reply {
            case .reply(let replyStatus, let headers, let replyBody):
                event.httpStatus = UInt16(clamping: replyStatus)
                event.responseBodyLen = UInt64(replyBody.count)
                if options.includeBodies { event.responseBody = maskBody(body: replyBody) }
                do {
                    // Verified with the prepared path; throws when it does not verify.
                    let response = try verifyResponse(path: request.path, headers: headers, body: replyBody)
                    event.resultStatus = response.resultStatus.letter
                    event.resultCode = response.resultCode
                    event.outcome = response.outcome.name
                    options.onEvent?(event)
                    return SendResult(outcome: response.outcome, response: response, httpStatus: replyStatus, error: nil,
                                      request: request, attempts: Int(attempts))
                } catch let error as AntomError {
                    event.errorCode = error.code
                    options.onEvent?(event)
                    throw error
                }
            case .status(let replyStatus):
                status = replyStatus
                event.httpStatus = UInt16(clamping: replyStatus)
                failure = .httpStatus(status: UInt16(clamping: replyStatus))
                sendError = SendError(code: SendError.HTTP_STATUS, message: "HTTP \(replyStatus)")
            case .failed(let error):
                failure = error.code == SendError.TIMEOUT ? .timeout : .transport
                sendError = error
            }
            event.errorCode = sendError.code
            let decision = decideRetry(policy: policy, path: request.path, body: body, attempt: attempts,
                                       elapsedMs: elapsedMs(), failure: failure, random: UInt64.random(in: 0...UInt64.max))
            event.retry = decision.reason
            if decision.retry { event.retryDelayMs = decision.delayMs }
            event.outcome = Outcome.unknown.name
            options.onEvent?(event)
            if decision.retry && !Task.isCancelled {
                try? await Task.sleep(nanoseconds: decision.delayMs * 1_000_000)
                if let next = attemptTimeoutMs(policy: policy, elapsedMs: elapsedMs()), !Task.isCancelled {
                    timeoutMs = next
                    continue
                }
            }
            return SendResult(outcome: .unknown, response: nil, httpStatus: status, error: sendError,
                              request: request, attempts: Int(attempts))
        }
    }
}

/// One attempt's answer.
enum Answer {
    /// A 2xx reply: its headers in the order URLSession gives them, and at most `limit + 1`
    /// bytes of its body (one past the limit is enough for the core to refuse it by length).
    case reply(Int, [(String, String)], Data)
    /// A reply outside 2xx; its body is never read.
    case status(Int)
    /// No reply.
    case failed(SendError)
}

/// One exchange: a URLSession of its own whose delegate follows no redirect, reads a 2xx body
/// only up to just past the limit, and ends the attempt at the timeout.
final class Exchange: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let limit: UInt64
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Answer, Never>?
    private var status = 0
    private var headers: [(String, String)] = []
    private var body = Data()

    private init(limit: UInt64) { self.limit = limit }

    static func run(_ request: URLRequest, configuration: URLSessionConfiguration, timeout: TimeInterval,
                    limit: UInt64) async -> Answer {
        let exchange = Exchange(limit: limit)
        let session = URLSession(configuration: configuration, delegate: exchange, delegateQueue: nil)
        defer { session.invalidateAndCancel() }
        let task = session.dataTask(with: request)
        return await withCheckedContinuation { continuation in
            exchange.lock.lock()
            exchange.continuation = continuation
            exchange.lock.unlock()
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [weak task] in
                if exchange.finish(.failed(SendError(code: SendError.TIMEOUT, message: "no complete reply within \(timeout) s"))) {
                    task?.cancel()
                }
            }
            task.resume()
        }
    }

    /// Resumes the waiting send once; false when it was resumed already.
    @discardableResult
    private func finish(_ answer: Answer) -> Bool {
        lock.lock()
        let waiting = continuation
        continuation = nil
        lock.unlock()
        waiting?.resume(returning: answer)
        return waiting != nil
    }

    // A redirect would send the signed bytes elsewhere, and its reply was signed for another
    // path: never followed; the 3xx is a reply like any other non-2xx one.
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        guard let http = response as? HTTPURLResponse else {
            finish(.failed(SendError(code: SendError.TRANSPORT_ERROR, message: "the reply is not HTTP")))
            completionHandler(.cancel)
            return
        }
        guard (200..<300).contains(http.statusCode) else {
            finish(.status(http.statusCode))
            completionHandler(.cancel)
            return
        }
        lock.lock()
        status = http.statusCode
        headers = http.allHeaderFields.compactMap { key, value in
            guard let name = key as? String, let text = value as? String else { return nil }
            return (name, text)
        }
        lock.unlock()
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        body.append(data)
        let over = UInt64(body.count) > limit
        let answer = Answer.reply(status, headers, body.prefix(Int(min(limit + 1, UInt64(Int.max)))))
        lock.unlock()
        if over && finish(answer) { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        if let error = error {
            let timedOut = (error as? URLError)?.code == .timedOut
            finish(.failed(SendError(code: timedOut ? SendError.TIMEOUT : SendError.TRANSPORT_ERROR, message: describe(error))))
            return
        }
        lock.lock()
        let answer = Answer.reply(status, headers, body)
        lock.unlock()
        finish(answer)
    }
}

/// The error's type and its text, bounded (URL errors name hosts and ports, never bodies).
private func describe(_ error: Error) -> String {
    let text = (error as NSError).localizedDescription
    let kind = String(describing: type(of: error))
    let shown = text.count > 200 ? String(text.prefix(200)) + "..." : text
    return shown.isEmpty ? kind : "\(kind): \(shown)"
}
