package antom.core

import com.sun.net.httpserver.HttpsConfigurator
import com.sun.net.httpserver.HttpsServer
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.net.InetSocketAddress
import java.net.http.HttpClient
import java.nio.file.Path
import java.security.KeyStore
import java.util.concurrent.TimeUnit
import javax.net.ssl.KeyManagerFactory
import javax.net.ssl.SSLContext
import javax.net.ssl.TrustManagerFactory

/**
 * TLS through [Client.send]: a gateway whose certificate nobody vouches for (self-signed, made
 * by keytool here) is refused by the default client ([Outcome.UNKNOWN], `TRANSPORT_ERROR`), and
 * reached by an injected `HttpClient` that trusts exactly that certificate.
 */
class SendTlsIT {
    @Test
    fun untrustedCertificateIsRefusedAndAnInjectedClientIsUsed(@TempDir dir: Path) {
        val store = dir.resolve("gateway.p12")
        val keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString()
        val process = ProcessBuilder(
            keytool, "-genkeypair", "-alias", "gateway", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
            "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
            "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit",
        ).redirectErrorStream(true).start()
        check(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0) { process.inputStream.readAllBytes().decodeToString() }
        val keys = KeyStore.getInstance("PKCS12").apply { store.toFile().inputStream().use { load(it, "changeit".toCharArray()) } }

        val serverContext = SSLContext.getInstance("TLS").apply {
            init(KeyManagerFactory.getInstance("PKIX").apply { init(keys, "changeit".toCharArray()) }.keyManagers, null, null)
        }
        val server = HttpsServer.create(InetSocketAddress("127.0.0.1", 0), 0).apply {
            httpsConfigurator = HttpsConfigurator(serverContext)
            createContext("/") { exchange ->
                exchange.use {
                    exchange.requestBody.readAllBytes()
                    val answer = """{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentStatus":"SUCCESS"}"""
                    TestKeys.antomHeaders(exchange.requestURI.rawPath, answer).forEach { (n, v) -> exchange.responseHeaders.add(n, v) }
                    val bytes = answer.toByteArray()
                    exchange.sendResponseHeaders(200, bytes.size.toLong())
                    exchange.responseBody.write(bytes)
                }
            }
            start()
        }
        try {
            val client = Client(
                clientId = TestKeys.CLIENT_ID, antomPublicKey = PublicKey(TestKeys.antomPublicText),
                privateKey = PrivateKey(TestKeys.merchantPrivateText), gatewayUrl = "https://127.0.0.1:${server.address.port}",
            )
            val body = """{"paymentRequestId":"pay_1"}"""

            val refused = client.send("v1/payments/inquiryPayment", body)
            assertEquals(Outcome.UNKNOWN, refused.outcome)
            assertEquals(SendError.TRANSPORT_ERROR, refused.error!!.code, refused.error!!.message)
            assertNull(refused.httpStatus)

            val trusted = KeyStore.getInstance("PKCS12").apply { load(null, null); setCertificateEntry("gateway", keys.getCertificate("gateway")) }
            val clientContext = SSLContext.getInstance("TLS").apply {
                init(null, TrustManagerFactory.getInstance("PKIX").apply { init(trusted) }.trustManagers, null)
            }
            val http = HttpClient.newBuilder().sslContext(clientContext).build()
            val reached = client.send("v1/payments/inquiryPayment", body, SendOptions(httpClient = http))
            assertEquals(Outcome.SUCCEEDED, reached.outcome)
            assertEquals(200, reached.httpStatus)
        } finally {
            server.stop(0)
        }
    }
}
