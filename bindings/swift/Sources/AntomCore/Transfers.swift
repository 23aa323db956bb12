// The two special transports over URLSession: the multipart image upload
// (`billing/product/uploadImage`: the signed JSON part, the image part, the big-file host, the
// size limit) and the unsigned meter event upload (`meter/uploadEvent`, with `X-Session-Id`).
// Every rule is antom-core's (`prepareUpload`, `checkUploadSize`, `prepareEventUpload`,
// `readEventReply`); this file reads the file and moves bytes.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A meter event upload's reply, as the core reads it: never signed, so `verified` is always
/// false and `outcome` always `.unknown` whatever `resultStatus` says. Reconcile usage through
/// the signed billing/meter inquiry APIs.
public struct EventUploadReply: CustomStringConvertible {
    /// The HTTP status.
    public let status: Int
    /// What the core read from the body (`verified` false, `outcome` `.unknown`).
    public let reply: EventReply

    /// The body's length only (it may hold usage data).
    public var description: String {
        "EventUploadReply(status: \(status), verified: false, outcome: unknown, body: <\(reply.body.utf8.count) bytes>)"
    }
}

extension Client {
    /// Uploads a product image (`billing/product/uploadImage`) from a file: the core checks its
    /// size before the file is read (and again after), signs the JSON part, builds the
    /// multipart body for the big-file host; the reply is verified as `verifyResponse` does.
    ///
    /// Throws `AntomError` (`InvalidInput` for the size, product id or content type; as
    /// `verifyResponse` after) or `SendError` when no 2xx reply came (the upload may have
    /// happened: inquire).
    public func uploadImage(productId: String, file: URL, contentType: String = "image/png",
                            requestTime: UInt64 = Client.nowMillis(),
                            options: SendOptions = SendOptions()) async throws -> ApiResponse {
        let size = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.uint64Value ?? 0
        try checkUploadSize(len: size)
        let data = try Data(contentsOf: file)
        return try await uploadImage(productId: productId, data: data, fileName: file.lastPathComponent,
                                     contentType: contentType, requestTime: requestTime, options: options)
    }

    /// `uploadImage(productId:file:...)` with the image's bytes in memory.
    public func uploadImage(productId: String, data: Data, fileName: String = "image",
                            contentType: String = "image/png", requestTime: UInt64 = Client.nowMillis(),
                            options: SendOptions = SendOptions()) async throws -> ApiResponse {
        try checkUploadSize(len: UInt64(data.count))
        let upload = try prepareUpload(client: self, productId: productId, fileName: fileName,
                                       contentType: contentType, file: data, requestTime: requestTime)
        let (status, headers, body) = try await exchange(url: upload.url, method: upload.method, headers: upload.headers,
                                                         body: upload.body, options: options)
        guard (200..<300).contains(status) else { throw SendError(code: SendError.HTTP_STATUS, message: "HTTP \(status)") }
        return try verifyResponse(path: upload.path, headers: headers, body: body)
    }

    /// Uploads meter events in `sessionId` (from `meter.createSession`, sent with `send`).
    /// Unsigned both ways: the reply is never verified and never proof (`.unknown`).
    /// URLSession negotiates HTTP/2 over TLS where the gateway offers it.
    public func uploadEvent(sessionId: String, body: String,
                            options: SendOptions = SendOptions()) async throws -> EventUploadReply {
        let upload = try prepareEventUpload(client: self, sessionId: sessionId, body: body)
        let (status, _, reply) = try await exchange(url: upload.url, method: upload.method, headers: upload.headers,
                                                    body: Data(upload.body.utf8), options: options)
        guard (200..<300).contains(status) else { throw SendError(code: SendError.HTTP_STATUS, message: "HTTP \(status)") }
        return EventUploadReply(status: status, reply: try readEventReply(body: reply))
    }

    /// One exchange under `options.timeout`: the status, headers and (2xx) body.
    private func exchange(url: String, method: String, headers: [Header], body: Data,
                          options: SendOptions) async throws -> (Int, [(String, String)], Data) {
        guard let target = URL(string: url) else {
            throw AntomError.InvalidInput(message: "INVALID_INPUT: the prepared upload's url is not a URL")
        }
        var http = URLRequest(url: target, cachePolicy: .reloadIgnoringLocalCacheData)
        http.httpMethod = method
        http.httpBody = body
        http.timeoutInterval = options.timeout
        for header in headers { http.setValue(header.value, forHTTPHeaderField: header.name) }
        switch await Exchange.run(http, configuration: options.configuration, timeout: options.timeout, limit: maxBodyBytes()) {
        case .reply(let status, let replyHeaders, let replyBody): return (status, replyHeaders, replyBody)
        case .status(let status): return (status, [], Data())
        case .failed(let error): throw error
        }
    }
}
