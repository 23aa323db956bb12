package antom.core

import com.sun.net.httpserver.HttpServer
import java.net.InetSocketAddress

/**
 * A stand-in for the Antom gateway on 127.0.0.1: checks the merchant's request signature with
 * the JDK, then answers with a response signed by the throw-away Antom key (JDK Signature
 * SHA256withRSA). [mode] picks a well-behaved or a broken gateway.
 */
class AntomSimulator(var mode: Mode = Mode.SIGNED) : AutoCloseable {
    enum class Mode { SIGNED, TAMPERED, UNSIGNED_SUCCESS, UNSIGNED_FAILURE }

    /** Request signatures the simulator checked, and whether each was valid. */
    val requestSignaturesValid = mutableListOf<Boolean>()

    private val server: HttpServer = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0).apply {
        createContext("/") { exchange ->
            exchange.use {
                val path = exchange.requestURI.rawPath
                val body = exchange.requestBody.readAllBytes().toString(Charsets.UTF_8)
                val h = exchange.requestHeaders
                val signature = h.getFirst("Signature")?.substringAfter("signature=") ?: ""
                val content = "POST $path\n${h.getFirst("Client-Id")}.${h.getFirst("Request-Time")}.$body"
                requestSignaturesValid += TestKeys.jdkVerify(TestKeys.jdkPublic(TestKeys.merchantPublicText), content, signature)

                val status = if (mode == Mode.UNSIGNED_FAILURE) "F" else "S"
                val answer = """{"result":{"resultCode":"${if (status == "S") "SUCCESS" else "PROCESS_FAIL"}",""" +
                    """"resultStatus":"$status","resultMessage":"ok"},"paymentStatus":"SUCCESS"}"""
                if (mode == Mode.SIGNED || mode == Mode.TAMPERED) {
                    TestKeys.antomHeaders(path, answer).forEach { (n, v) -> exchange.responseHeaders.add(n, v) }
                } else {
                    exchange.responseHeaders.add("content-type", "application/json")
                }
                val sent = (if (mode == Mode.TAMPERED) answer.replace("\"ok\"", "\"OK\"") else answer).toByteArray()
                exchange.sendResponseHeaders(200, sent.size.toLong())
                exchange.responseBody.use { it.write(sent) }
            }
        }
        start()
    }

    /** `http://127.0.0.1:port`: pass it as the client's `gatewayUrl` (http is allowed for loopback only). */
    val url: String get() = "http://127.0.0.1:${server.address.port}"

    override fun close() = server.stop(0)
}
