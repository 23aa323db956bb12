package antom.core

import com.sun.net.httpserver.HttpServer
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.net.InetSocketAddress
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger

/**
 * A whole key rotation against `antom mock` through the jar, Antom's key and the merchant's,
 * with a notification in flight across it (as crates/antom-cli/tests/key_rotation.rs): no
 * verification fails, and nothing signed with a retired key is accepted.
 */
class KeyRotationIT {
    private val path = "/antom/notify"

    private class Delivery(val headers: Map<String, List<String>>, val body: ByteArray) {
        fun pairs(): List<Pair<String, String>> = headers.flatMap { (name, values) -> values.map { name to it } }
    }

    private fun post(mock: AntomMock, page: String, body: String): String {
        val request = HttpRequest.newBuilder(URI.create(mock.url + page)).POST(HttpRequest.BodyPublishers.ofString(body)).build()
        val response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString())
        assertEquals(200, response.statusCode(), response.body())
        return response.body()
    }

    private fun field(json: String, name: String): String =
        Regex("\"$name\":\"?([^\",}]*)").find(json)!!.groupValues[1]

    private fun client(mock: AntomMock, key: String, keyVersion: Long, ring: List<AntomKey>) = Client(
        clientId = AntomMock.CLIENT_ID,
        privateKey = PrivateKey(key),
        gatewayUrl = mock.url,
        keyVersion = keyVersion,
        antomPublicKeys = ring,
    )

    @Test
    fun aWholeRotationWithANotificationInFlight() {
        AntomMock().use { mock ->
            val deliveries = LinkedBlockingQueue<Delivery>()
            val seen = AtomicInteger()
            // The first delivery is refused, so its retry (2 s later at --time-scale 60) comes after the rotation.
            val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0).apply {
                createContext(path) { exchange ->
                    exchange.use {
                        deliveries += Delivery(HashMap(exchange.requestHeaders), exchange.requestBody.readAllBytes())
                        val reply = if (seen.incrementAndGet() == 1) "down" else NOTIFICATION_ACK
                        exchange.sendResponseHeaders(if (reply == "down") 500 else 200, reply.length.toLong())
                        exchange.responseBody.write(reply.toByteArray())
                    }
                }
                start()
            }
            try {
                walk(mock, "http://127.0.0.1:${server.address.port}$path", deliveries)
            } finally {
                server.stop(0)
            }
        }
    }

    private fun walk(mock: AntomMock, notifyUrl: String, deliveries: LinkedBlockingQueue<Delivery>) {
        val merchant = TestKeys.merchantPrivateText
        val newMerchant = Vectors.readFile("keys/TEST-ONLY-other.private.pkcs8.b64")
        val oldAntom = PublicKey(TestKeys.antomPublicText)
        val id = "jvm-rotation-${System.nanoTime()}"
        val inquiry = """{"paymentRequestId":"$id"}"""

        // Before: one key each, version 1.
        val before = client(mock, merchant, 1, listOf(AntomKey(oldAntom, 1)))
        val pay = before.send(
            "v1/payments/pay",
            """{"paymentRequestId":"$id","productCode":"CASHIER_PAYMENT",""" +
                """"paymentAmount":{"currency":"USD","value":"1000"},"paymentMethod":{"paymentMethodType":"ALIPAY_CN"},""" +
                """"paymentNotifyUrl":"$notifyUrl"}""",
        )
        assertEquals(1L, pay.response!!.verifiedBy!!.keyVersion)
        val normalUrl = Regex("\"normalUrl\":\"([^\"]*)\"").find(pay.response!!.bodyText())!!.groupValues[1]
        assertEquals(200, mock.get(normalUrl))
        val first = deliveries.poll(20, TimeUnit.SECONDS) ?: error("no notification arrived:\n${mock.log()}")
        assertEquals(1L, before.verifyNotification(path, first.headers, first.body).verifiedBy!!.keyVersion)

        // During: Antom's next key joins the ring, then Antom switches to it.
        val rotated = post(mock, "/mock/rotate-antom-key", "")
        assertEquals("2", field(rotated, "keyVersion"))
        val newAntom = PublicKey(field(rotated, "publicKey"))
        assertEquals(field(rotated, "fingerprint"), newAntom.fingerprint)
        val ring = listOf(AntomKey(oldAntom, 1), AntomKey(newAntom, 2))
        val during = client(mock, merchant, 1, ring)
        val refused = assertThrows(AntomException::class.java) { before.send("v1/payments/inquiryPayment", inquiry) }
        assertEquals(AntomException.UNKNOWN_KEY_VERSION, refused.code)
        assertEquals(2L, during.send("v1/payments/inquiryPayment", inquiry).response!!.verifiedBy!!.keyVersion)
        assertEquals(1L, during.verifyNotification(path, first.headers, first.body).verifiedBy!!.keyVersion)

        // The merchant's new key, version 2: both merchant keys are accepted in the window.
        val newMerchantPublic = PrivateKey(newMerchant).publicKey().toBase64()
        post(mock, "/mock/merchant-keys", """{"keyVersion":2,"publicKey":"$newMerchantPublic"}""")
        val switched = client(mock, newMerchant, 2, ring)
        assertTrue(switched.send("v1/payments/inquiryPayment", inquiry).response!!.verified)
        assertTrue(during.send("v1/payments/inquiryPayment", inquiry).response!!.verified)

        // The in-flight notification is retried, signed with keyVersion 2, and verifies.
        val retried = deliveries.poll(20, TimeUnit.SECONDS) ?: error("no retry arrived:\n${mock.log()}")
        assertArrayEquals(first.body, retried.body)
        assertEquals(2L, switched.verifyNotification(path, retried.headers, retried.body).verifiedBy!!.keyVersion)
        assertEquals(newAntom.fingerprint, switched.verifyNotification(path, retried.headers, retried.body).verifiedBy!!.fingerprint)

        // After: the old keys are retired on both sides.
        post(mock, "/mock/merchant-keys/retire", """{"keyVersion":1}""")
        val after = client(mock, newMerchant, 2, listOf(AntomKey(newAntom, 2)))
        assertTrue(after.send("v1/payments/inquiryPayment", inquiry).response!!.verified)
        val stale = during.send("v1/payments/inquiryPayment", inquiry).response!!
        assertFalse(stale.verified)
        assertEquals("KEY_NOT_FOUND", stale.resultCode)
        val old = assertThrows(AntomException::class.java) { after.verifyNotification(path, first.headers, first.body) }
        assertEquals(AntomException.UNKNOWN_KEY_VERSION, old.code)
        val relabelled = first.pairs().map { (name, value) ->
            name to if (name.equals("signature", ignoreCase = true)) value.replace("keyVersion=1", "keyVersion=2") else value
        }
        val forged = assertThrows(AntomException::class.java) { after.verifyNotification(path, relabelled, first.body) }
        assertEquals(AntomException.SIGNATURE_MISMATCH, forged.code)
        assertTrue(forged.message!!.contains(newAntom.fingerprint), forged.message)

        // Which key a captured message belongs to, in one call.
        val found = whichKey(listOf(AntomKey(newAntom), AntomKey(oldAntom)), path, first.pairs(), first.body)
        assertEquals(KeyId(null, oldAntom.fingerprint), found)
    }

    @Test
    fun theMerchantsOwnKeyAsAntomsIsRefused() {
        val merchant = PrivateKey(TestKeys.merchantPrivateText)
        val error = assertThrows(AntomException::class.java) {
            Client(clientId = AntomMock.CLIENT_ID, antomPublicKey = merchant.publicKey(), privateKey = merchant)
        }
        assertEquals(AntomException.WRONG_KEY, error.code)
        assertTrue(error.message!!.contains(merchant.publicKey().fingerprint), error.message)
        assertTrue(merchant.toString().contains(merchant.publicKey().fingerprint), merchant.toString())
    }
}
