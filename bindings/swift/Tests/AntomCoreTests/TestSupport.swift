// What the tests share: the vectors folder, the throw-away keys, SHA-256 and an RSA signer from
// the system's libcrypto (the "KMS" of the external-signer tests), `antom mock` as a
// subprocess, and a small HTTP/1.1 listener over POSIX sockets (Foundation has no HTTP server
// on Linux) for notifications and scripted gateways.
import COpenSSLCrypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import XCTest

import AntomCore

/// The repository root (this file is bindings/swift/Tests/AntomCoreTests/TestSupport.swift).
let repoRoot: URL = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<5 { url.deleteLastPathComponent() }
    return url
}()

let vectorsDir: URL = ProcessInfo.processInfo.environment["ANTOM_VECTORS"].map { URL(fileURLWithPath: $0) }
    ?? repoRoot.appendingPathComponent("tests/vectors")

func readFile(_ rel: String) throws -> String {
    try String(contentsOf: vectorsDir.appendingPathComponent(rel), encoding: .utf8)
}

/// The simulator's default client id (a sandbox id: sandbox paths).
let simulatorClientId = "SANDBOX_5X00000000000000"

enum TestKeys {
    static let merchantPrivateFile = "keys/TEST-ONLY-merchant.private.pkcs8.b64"
    static let merchantPublicFile = "keys/TEST-ONLY-merchant.public.spki.b64"
    static let antomPrivateFile = "keys/TEST-ONLY-antom.private.pkcs8.b64"
    static let antomPublicFile = "keys/TEST-ONLY-antom.public.spki.b64"

    static func merchantClient(gatewayUrl: String, maxBodyBytes: UInt64? = nil) throws -> Client {
        try Client(config: ClientConfig(
            clientId: simulatorClientId,
            credential: .privateKey(key: PrivateKey(text: readFile(merchantPrivateFile))),
            antomPublicKey: PublicKey(text: readFile(antomPublicFile)),
            gatewayUrl: gatewayUrl, maxBodyBytes: maxBodyBytes))
    }

    static func verifyOnlyClient() throws -> Client {
        try Client(config: ClientConfig(clientId: simulatorClientId, credential: .verifyOnly,
                                        antomPublicKey: PublicKey(text: readFile(antomPublicFile))))
    }
}

func hex(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

/// SHA-256 by libcrypto (not by the code under test).
func sha256Hex(_ data: Data) -> String {
    var out = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
    data.withUnsafeBytes { raw in
        _ = SHA256(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &out)
    }
    return hex(out)
}

/// RSASSA-PKCS1-v1_5 / SHA-256 over `message` by libcrypto with a PKCS#8 DER key: what a KMS
/// would return for the external-signer tests.
func opensslSign(message: Data, pkcs8Base64: String) -> Data? {
    guard let der = Data(base64Encoded: pkcs8Base64.filter { !$0.isWhitespace }) else { return nil }
    return der.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Data? in
        var cursor: UnsafePointer<UInt8>? = raw.bindMemory(to: UInt8.self).baseAddress
        guard let key = d2i_AutoPrivateKey(nil, &cursor, raw.count) else { return nil }
        defer { EVP_PKEY_free(key) }
        guard let ctx = EVP_MD_CTX_new() else { return nil }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestSignInit(ctx, nil, EVP_sha256(), nil, key) == 1 else { return nil }
        return message.withUnsafeBytes { (msg: UnsafeRawBufferPointer) -> Data? in
            let bytes = msg.bindMemory(to: UInt8.self).baseAddress
            var length = 0
            guard EVP_DigestSign(ctx, nil, &length, bytes, msg.count) == 1 else { return nil }
            var signature = [UInt8](repeating: 0, count: length)
            guard EVP_DigestSign(ctx, &signature, &length, bytes, msg.count) == 1 else { return nil }
            return Data(signature.prefix(length))
        }
    }
}

/// The `antom` binary: `$ANTOM_BIN`, else target/debug/antom (`cargo build -p antom-cli --bin antom`).
let antomBinary: String = ProcessInfo.processInfo.environment["ANTOM_BIN"].flatMap { $0.isEmpty ? nil : $0 }
    ?? repoRoot.appendingPathComponent("target/debug/antom").path

/// Runs `antom ARGS...` to its end; its exit status and output.
func runAntom(_ arguments: [String], timeout: TimeInterval = 30) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: antomBinary)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(20_000) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}

/// `antom mock` on a free 127.0.0.1 port: checks request signatures with the throw-away
/// merchant public key, signs with the throw-away Antom key.
final class AntomMock {
    let url: String
    private let process: Process
    private let log: URL

    init(extraArguments: [String] = []) throws {
        guard FileManager.default.isExecutableFile(atPath: antomBinary) else {
            throw XCTSkipFailure("missing \(antomBinary): build it with `cargo build -p antom-cli --bin antom` (make test-swift does)")
        }
        log = FileManager.default.temporaryDirectory.appendingPathComponent("antom-mock-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: antomBinary)
        process.arguments = ["mock", "--port", "0",
                             "--merchant-public-key", vectorsDir.appendingPathComponent(TestKeys.merchantPublicFile).path,
                             "--antom-private-key", vectorsDir.appendingPathComponent(TestKeys.antomPrivateFile).path,
                             "--client-id", simulatorClientId, "--time-scale", "60"] + extraArguments
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        var found: String?
        while found == nil && Date() < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("antom mock: listening on ") }) {
                found = String(line.dropFirst("antom mock: listening on ".count)).trimmingCharacters(in: .whitespaces)
            } else if !process.isRunning {
                throw XCTSkipFailure("antom mock exited: \(text.prefix(2000))")
            } else {
                usleep(50_000)
            }
        }
        guard let url = found else {
            kill(process.processIdentifier, SIGKILL)
            throw XCTSkipFailure("antom mock printed no address within 20 s")
        }
        self.url = url
    }

    func client(maxBodyBytes: UInt64? = nil) throws -> Client {
        try TestKeys.merchantClient(gatewayUrl: url, maxBodyBytes: maxBodyBytes)
    }

    /// What the simulator printed (requests, notification attempts), for failure messages.
    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    func stop() {
        // SIGKILL: a child of the test runner does not always get SIGTERM delivered.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: log)
    }
}

/// An error that fails the test where it is thrown (never a skip: a missing simulator is a failure).
struct XCTSkipFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A GET with URLSession: the status (the buyer opening a checkout page).
func httpGet(_ url: String) async throws -> Int {
    let (_, response) = try await URLSession.shared.data(from: URL(string: url)!)
    return (response as! HTTPURLResponse).statusCode
}

/// One HTTP request as the listener received it: raw headers in order and raw body bytes.
struct ReceivedRequest {
    let method: String
    let path: String
    let headers: [(String, String)]
    let body: Data
}

/// What the listener's handler answers: a status, headers and a body, or `.custom` to write
/// to the connection itself (endless bodies, delays).
enum ListenerReply {
    case reply(status: Int, contentType: String, body: Data, headers: [(String, String)])
    case custom((Int32) -> Void)
}

/// A minimal HTTP/1.1 listener on 127.0.0.1 (one request per connection, Content-Length
/// bodies), on POSIX sockets. Enough for Antom's notifications and for scripted gateways.
final class HttpListener: @unchecked Sendable {
    private let fd: Int32
    let port: Int
    private let handler: (ReceivedRequest) -> ListenerReply
    private let lock = NSLock()
    private var received: [ReceivedRequest] = []
    private var stopped = false

    init(handler: @escaping (ReceivedRequest) -> ListenerReply) throws {
        self.handler = handler
        #if canImport(Glibc)
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let sock = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard sock >= 0 else { throw XCTSkipFailure("socket() failed") }
        var yes: Int32 = 1
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(sock, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(sock, 16) == 0 else { throw XCTSkipFailure("bind/listen failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(sock, $0, &length) }
        }
        fd = sock
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [weak self] in self?.acceptLoop() }
        thread.start()
    }

    var url: String { "http://127.0.0.1:\(port)" }

    var requests: [ReceivedRequest] {
        lock.lock(); defer { lock.unlock() }
        return received
    }

    /// Waits up to `timeout` seconds for the `count`-th request.
    func waitFor(count: Int, timeout: TimeInterval = 15) -> ReceivedRequest? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let all = requests
            if all.count >= count { return all[count - 1] }
            usleep(20_000)
        }
        return nil
    }

    func stop() {
        lock.lock(); stopped = true; lock.unlock()
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    private func acceptLoop() {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 {
                lock.lock(); let done = stopped; lock.unlock()
                if done { return }
                continue
            }
            let worker = Thread { [weak self] in
                self?.serve(client)
                close(client)
            }
            worker.start()
        }
    }

    private func serve(_ client: Int32) {
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int?
        while headerEnd == nil {
            let n = recv(client, &chunk, chunk.count, 0)
            if n <= 0 { return }
            buffer.append(contentsOf: chunk[0..<n])
            headerEnd = find(buffer, [13, 10, 13, 10])
        }
        let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        let headers: [(String, String)] = lines.compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = Int(headers.first { $0.0.lowercased() == "content-length" }?.1 ?? "0") ?? 0
        var body = Array(buffer[(headerEnd! + 4)...])
        while body.count < length {
            let n = recv(client, &chunk, chunk.count, 0)
            if n <= 0 { return }
            body.append(contentsOf: chunk[0..<n])
        }
        let request = ReceivedRequest(method: String(requestLine.first ?? ""), path: String(requestLine.dropFirst().first ?? ""),
                                      headers: headers, body: Data(body.prefix(length)))
        lock.lock(); received.append(request); lock.unlock()
        switch handler(request) {
        case .custom(let write):
            write(client)
        case .reply(let status, let contentType, let replyBody, let extra):
            var text = "HTTP/1.1 \(status) \(status == 200 ? "OK" : "Status")\r\nContent-Type: \(contentType)\r\n"
                + "Content-Length: \(replyBody.count)\r\nConnection: close\r\n"
            for (name, value) in extra { text += "\(name): \(value)\r\n" }
            text += "\r\n"
            writeAll(client, Data(text.utf8) + replyBody)
        }
    }
}

@discardableResult
func writeAll(_ fd: Int32, _ data: Data) -> Bool {
    data.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            #if canImport(Glibc)
            let n = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            #else
            let n = send(fd, raw.baseAddress! + offset, raw.count - offset, 0)
            #endif
            if n <= 0 { return false }
            offset += n
        }
        return true
    }
}

private func find(_ haystack: [UInt8], _ needle: [UInt8]) -> Int? {
    guard haystack.count >= needle.count else { return nil }
    for i in 0...(haystack.count - needle.count) where Array(haystack[i..<(i + needle.count)]) == needle { return i }
    return nil
}
