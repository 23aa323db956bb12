package antom.core

import antom.core.models.Amount
import antom.core.models.ApiResult
import antom.core.models.CancelRequest
import antom.core.models.CancelResponse
import antom.core.models.CaptureRequest
import antom.core.models.CaptureResponse
import antom.core.models.ConsultResponse
import antom.core.models.CreatePaymentSessionRequest
import antom.core.models.CreatePaymentSessionResponse
import antom.core.models.Env
import antom.core.models.InquiryPaymentRequest
import antom.core.models.InquiryPaymentResponse
import antom.core.models.InquiryRefundRequest
import antom.core.models.InquiryRefundResponse
import antom.core.models.ModelException
import antom.core.models.ModelJson
import antom.core.models.NotifyCaptureRequest
import antom.core.models.NotifyPaymentRequest
import antom.core.models.NotifyRefundRequest
import antom.core.models.Order
import antom.core.models.PayRequest
import antom.core.models.PayResponse
import antom.core.models.PaymentMethod
import antom.core.models.RefundRequest
import antom.core.models.RefundResponse
import com.sun.net.httpserver.HttpServer
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.net.InetSocketAddress
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.time.Duration
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit

/**
 * The generated models (package `antom.core.models`, in the jar) against real simulator output:
 * `antom mock` runs as a subprocess (target/debug/antom, or `$ANTOM_BIN`; `make test-jvm` builds
 * it first), typed requests are serialised with [PayRequest.toJson] and friends, signed with the
 * jar's [Client], sent with the JDK's HttpClient, verified, and parsed into the models; the
 * notifications arrive at a JDK HttpServer webhook. Every parsed body writes back the same JSON.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelsIT {
    private val root: Path = Vectors.dir.parent.parent
    private lateinit var work: Path
    private lateinit var mock: Process
    private lateinit var client: Client
    private lateinit var webhook: HttpServer
    private lateinit var notifyUrl: String
    private val notifications = LinkedBlockingQueue<Pair<Map<String, List<String>>, ByteArray>>()
    private val http: HttpClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()

    @BeforeAll
    fun start() {
        val binary = Paths.get(System.getenv("ANTOM_BIN")?.takeIf { it.isNotEmpty() } ?: root.resolve("target/debug/antom").toString())
        assertTrue(Files.isRegularFile(binary), "$binary is missing: run `cargo build -p antom-cli --bin antom`")
        work = Files.createTempDirectory("antom-models-")
        val log = work.resolve("mock.log")
        mock = ProcessBuilder(
            binary.toString(), "mock", "--port", "0", "--quiet",
            "--merchant-public-key", Vectors.dir.resolve("keys/TEST-ONLY-merchant.public.spki.b64").toString(),
            "--write-public-key", work.resolve("antom.pub").toString(),
        ).redirectErrorStream(true).redirectOutput(log.toFile()).start()
        var gateway: String? = null
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15)
        while (gateway == null && System.nanoTime() < deadline) {
            assertTrue(mock.isAlive, "the simulator exited")
            val found = Regex("antom mock: listening on (\\S+)").find(Files.readString(log))
            val key = work.resolve("antom.pub")
            if (found != null && Files.exists(key) && Files.size(key) > 0) gateway = found.groupValues[1] else Thread.sleep(50)
        }
        assertNotNull(gateway, "the simulator did not start")
        client = Client(
            clientId = "SANDBOX_5X00000000000000",
            antomPublicKey = PublicKey(Files.readString(work.resolve("antom.pub"))),
            privateKey = PrivateKey(TestKeys.merchantPrivateText),
            gatewayUrl = gateway,
        )
        webhook = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0).apply {
            createContext("/antom/notify") { exchange ->
                exchange.use {
                    notifications.put(exchange.requestHeaders.toMap() to exchange.requestBody.readAllBytes())
                    val ack = NOTIFICATION_ACK.toByteArray()
                    exchange.responseHeaders.add("content-type", "application/json")
                    exchange.sendResponseHeaders(200, ack.size.toLong())
                    exchange.responseBody.use { it.write(ack) }
                }
            }
            start()
        }
        notifyUrl = "http://127.0.0.1:${webhook.address.port}/antom/notify"
    }

    @AfterAll
    fun stop() {
        if (::webhook.isInitialized) webhook.stop(0)
        if (::client.isInitialized) client.close()
        if (::mock.isInitialized) {
            mock.destroy()
            mock.waitFor(10, TimeUnit.SECONDS)
        }
        if (::work.isInitialized) work.toFile().deleteRecursively()
    }

    /** A typed request: its JSON, prepared by the jar, sent by the JDK, verified; the verified text. */
    private fun call(api: String, json: String): String {
        val request = client.prepare(api, json)
        val builder = HttpRequest.newBuilder(URI.create(request.url)).timeout(Duration.ofSeconds(15))
            .POST(HttpRequest.BodyPublishers.ofByteArray(request.bodyBytes()))
        request.headers.forEach { (name, value) -> builder.header(name, value) }
        val response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray())
        val verified = client.verifyResponse(request.path, response.headers().map(), response.body())
        assertTrue(verified.verified, "$api: the simulator signs every answer")
        return verified.bodyText()
    }

    /** The next notification, verified; its text. */
    private fun nextNotification(): String {
        val (headers, body) = notifications.poll(15, TimeUnit.SECONDS) ?: error("no notification within 15 s")
        return String(client.verifyNotification("/antom/notify", headers, body).body, Charsets.UTF_8)
    }

    /** [parse] of [text], checked to write back the same JSON (every field, known or not). */
    private fun <T> roundTrip(text: String, parse: (String) -> T, write: (T) -> String): T {
        val model = parse(text)
        assertEquals(ModelJson.parse(text), ModelJson.parse(write(model)), "round trip")
        return model
    }

    private fun usd(value: String) = Amount(currency = "USD", value = value)

    private fun payRequest(id: String, value: String) = PayRequest(
        productCode = "CASHIER_PAYMENT",
        paymentRequestId = id,
        order = Order(referenceOrderId = "order-$id", orderDescription = "Typed models test", orderAmount = usd(value)),
        paymentAmount = usd(value),
        paymentMethod = PaymentMethod(paymentMethodType = "ALIPAY_CN"),
        paymentRedirectUrl = "http://127.0.0.1:9/return",
        paymentNotifyUrl = notifyUrl,
        env = Env(terminalType = "WEB"),
    )

    @Test
    fun aPaymentLifecycleParsesIntoTheModels() {
        val pay = roundTrip(call(PayRequest.API, payRequest("jvm-models-1", "1000").toJson()), { PayResponse.fromJson(it) }) { it.toJson() }
        assertEquals("U", pay.result?.resultStatus)
        assertEquals("PAYMENT_IN_PROCESS", pay.result?.resultCode)
        assertEquals(usd("1000"), pay.paymentAmount)
        val paymentId = pay.paymentId!!
        val page = http.send(HttpRequest.newBuilder(URI.create(pay.normalUrl!!)).build(), HttpResponse.BodyHandlers.discarding())
        assertEquals(200, page.statusCode()) // the buyer pays

        val paid = roundTrip(nextNotification(), { NotifyPaymentRequest.fromJson(it) }) { it.toJson() }
        assertEquals("PAYMENT_RESULT", paid.notifyType)
        assertTrue(paid.notifyType in NotifyPaymentRequest.NOTIFY_TYPES)
        assertEquals("S", paid.result?.resultStatus)
        assertEquals(paymentId, paid.paymentId)
        assertNotNull(paid.paymentTime)

        val capture = roundTrip(
            call(CaptureRequest.API, CaptureRequest(captureRequestId = "jvm-capture-1", paymentId = paymentId, captureAmount = usd("1000")).toJson()),
            { CaptureResponse.fromJson(it) },
        ) { it.toJson() }
        assertEquals("S", capture.result?.resultStatus)
        val captured = roundTrip(nextNotification(), { NotifyCaptureRequest.fromJson(it) }) { it.toJson() }
        assertEquals("CAPTURE_RESULT", captured.notifyType)
        assertEquals(capture.captureId, captured.captureId)
        assertEquals(usd("1000"), captured.captureAmount)

        val refund = roundTrip(
            call(RefundRequest.API, RefundRequest(refundRequestId = "jvm-refund-1", paymentId = paymentId, refundAmount = usd("400"), refundNotifyUrl = notifyUrl).toJson()),
            { RefundResponse.fromJson(it) },
        ) { it.toJson() }
        assertEquals("SUCCESS", refund.result?.resultCode)
        val refunded = roundTrip(nextNotification(), { NotifyRefundRequest.fromJson(it) }) { it.toJson() }
        assertEquals("REFUND_RESULT", refunded.notifyType)
        assertEquals("SUCCESS", refunded.refundStatus)
        assertEquals(refund.refundId, refunded.refundId)
        assertEquals(usd("400"), refunded.refundAmount)

        val refundInquiry = roundTrip(call(InquiryRefundRequest.API, InquiryRefundRequest(refundId = refund.refundId).toJson()), { InquiryRefundResponse.fromJson(it) }) { it.toJson() }
        assertEquals("jvm-refund-1", refundInquiry.refundRequestId)
        assertEquals("SUCCESS", refundInquiry.refundStatus)

        val inquiry = roundTrip(call(InquiryPaymentRequest.API, InquiryPaymentRequest(paymentId = paymentId).toJson()), { InquiryPaymentResponse.fromJson(it) }) { it.toJson() }
        assertEquals("SUCCESS", inquiry.paymentStatus)
        assertEquals(listOf("CAPTURE" to capture.captureId, "REFUND" to refund.refundId), inquiry.transactions!!.map { it.transactionType to it.transactionId })
        assertEquals("S", inquiry.transactions!![1].transactionResult?.resultStatus)

        val session = roundTrip(
            call(
                CreatePaymentSessionRequest.API,
                CreatePaymentSessionRequest(
                    productCode = "CASHIER_PAYMENT", paymentRequestId = "jvm-models-2", order = payRequest("jvm-models-2", "250").order,
                    paymentAmount = usd("250"), paymentRedirectUrl = "http://127.0.0.1:9/return",
                ).toJson(),
            ),
            { CreatePaymentSessionResponse.fromJson(it) },
        ) { it.toJson() }
        assertTrue(session.paymentSessionData!!.startsWith("SIMSESSION."))
        val cancel = roundTrip(call(CancelRequest.API, CancelRequest(paymentRequestId = "jvm-models-2").toJson()), { CancelResponse.fromJson(it) }) { it.toJson() }
        assertEquals("S", cancel.result?.resultStatus)
        assertNotNull(cancel.cancelTime)

        val missing = roundTrip(call(InquiryPaymentRequest.API, InquiryPaymentRequest(paymentId = "no-such").toJson()), { InquiryPaymentResponse.fromJson(it) }) { it.toJson() }
        assertEquals("ORDER_NOT_EXIST", missing.result?.resultCode)
        assertNull(missing.paymentStatus)
    }

    @Test
    fun aPaymentPendingFromAntomTriggerParses() {
        // PAYMENT_PENDING comes from `antom trigger notifyPayment --status PENDING`.
        val binary = System.getenv("ANTOM_BIN")?.takeIf { it.isNotEmpty() } ?: root.resolve("target/debug/antom").toString()
        val trigger = ProcessBuilder(
            binary, "trigger", "notifyPayment", "--to", notifyUrl, "--status", "PENDING",
            "--antom-private-key", Vectors.dir.resolve("keys/TEST-ONLY-antom.private.pkcs8.b64").toString(),
            "--payment-request-id", "jvm-pending", "--amount", "1050", "--currency", "JPY",
        ).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
        assertTrue(trigger.waitFor(15, TimeUnit.SECONDS), "antom trigger finished")
        assertEquals(0, trigger.exitValue(), "antom trigger got the ack")
        val (headers, body) = notifications.poll(15, TimeUnit.SECONDS) ?: error("no notification")
        val verified = Client(
            clientId = "SANDBOX_5X00000000000000",
            antomPublicKey = PublicKey(TestKeys.antomPublicText),
            privateKey = PrivateKey(TestKeys.merchantPrivateText),
        ).use { it.verifyNotification("/antom/notify", headers, body) }
        val pending = roundTrip(String(verified.body, Charsets.UTF_8), { NotifyPaymentRequest.fromJson(it) }) { it.toJson() }
        assertEquals("PAYMENT_PENDING", pending.notifyType)
        assertTrue(pending.notifyType in NotifyPaymentRequest.NOTIFY_TYPES)
        assertEquals("jvm-pending", pending.paymentRequestId)
        assertEquals(Amount(currency = "JPY", value = "1050"), pending.paymentAmount)
        assertNull(pending.paymentTime)
    }

    @Test
    fun unknownFieldsOfARealBodySurviveARoundTrip() {
        val text = call(PayRequest.API, payRequest("jvm-models-extra", "700").toJson())
        @Suppress("UNCHECKED_CAST")
        val body = ModelJson.parse(text) as MutableMap<String, Any?>
        body["futureField"] = mapOf("nested" to listOf("kept", true, null))
        @Suppress("UNCHECKED_CAST")
        (body["result"] as MutableMap<String, Any?>)["resultDetail"] = "kept too"
        val extended = ModelJson.write(body)
        val pay = PayResponse.fromJson(extended)
        assertEquals(mapOf("futureField" to mapOf("nested" to listOf("kept", true, null))), pay.extra)
        assertEquals(mapOf("resultDetail" to "kept too"), pay.result?.extra)
        assertFalse("paymentId" in pay.extra, "described fields are typed, not extra")
        assertEquals(ModelJson.parse(extended), ModelJson.parse(pay.toJson()))
    }

    @Test
    fun whatAntomSendsParsesWithoutTheFieldsTheReferenceCallsRequired() {
        val pending = """{"notifyType":"PAYMENT_PENDING","result":{"resultCode":"PAYMENT_IN_PROCESS","resultStatus":"U"},""" +
            """"paymentRequestId":"o-1","paymentId":"p-1","paymentAmount":{"currency":"JPY","value":"1050"}}"""
        assertEquals("PAYMENT_PENDING", NotifyPaymentRequest.fromJson(pending).notifyType)
        for (body in listOf(
            pending.replace(""""paymentId":"p-1",""", ""),
            pending.replace(""","resultStatus":"U"""", ""),
            """{"paymentId":"p-1"}""",
            "{}",
        )) {
            val parsed = NotifyPaymentRequest.fromJson(body)
            assertEquals(ModelJson.parse(body), ModelJson.parse(parsed.toJson()), body)
        }
        assertEquals(null, NotifyPaymentRequest.fromJson("{}").result)
        assertEquals(null, NotifyPaymentRequest.fromJson(pending.replace(""""p-1"""", "null")).paymentId)
        assertEquals(null, PayResponse.fromJson("""{"paymentId":"p-1"}""").result)
    }

    @Test
    fun requestFieldsAndJsonTypesAreCheckedNamingTheFieldOnly() {
        val pending = """{"notifyType":"PAYMENT_PENDING","result":{"resultCode":"PAYMENT_IN_PROCESS","resultStatus":"U"},""" +
            """"paymentRequestId":"o-1","paymentId":"p-1","paymentAmount":{"currency":"JPY","value":"1050"}}"""
        val refund = """{"refundRequestId":"r-1","paymentId":"p-1","refundAmount":{"currency":"USD","value":"400"}}"""
        assertEquals("r-1", RefundRequest.fromJson(refund).refundRequestId)
        val requests = mapOf(
            refund.replace(""""refundRequestId":"r-1",""", "") to "RefundRequest.refundRequestId is required",
            refund.replace(""""p-1"""", "null") to "RefundRequest.paymentId is required",
        )
        for ((body, message) in requests) {
            val error = assertThrows<ModelException> { RefundRequest.fromJson(body) }
            assertEquals(message, error.message)
            assertEquals("INVALID_MODEL", error.code)
        }
        val types = mapOf(
            pending.replace(""""value":"1050"""", """"value":1050""") to "NotifyPaymentRequest.paymentAmount.value must be a string, not a number",
            "[]" to "NotifyPaymentRequest must be a JSON object",
        )
        for ((body, message) in types) {
            val error = assertThrows<ModelException> { NotifyPaymentRequest.fromJson(body) }
            assertEquals(message, error.message)
            assertEquals("INVALID_MODEL", error.code)
        }
        assertThrows<ModelException> { PayResponse.fromJson("""{"result": """) }
        val secret = "4111111111111111"
        val leak = assertThrows<ModelException> { PaymentMethod.fromJson("""{"paymentMethodType":7,"paymentMethodId":"$secret"}""") }
        assertFalse(secret in leak.message!!)
    }

    @Test
    fun requestsWriteAntomsNamesAndLeaveUnsetFieldsOut() {
        val refund = RefundRequest(refundRequestId = "r-1", paymentId = "p-1", refundAmount = usd("400"))
        assertEquals("""{"refundRequestId":"r-1","paymentId":"p-1","refundAmount":{"currency":"USD","value":"400"}}""", refund.toJson())
        assertEquals("v1/payments/refund", RefundRequest.API)
        assertEquals(listOf("REFUND_RESULT"), NotifyRefundRequest.NOTIFY_TYPES)
        // A described field's name in `extra` never overrides the field.
        val result = ApiResult(resultCode = "SUCCESS", resultStatus = "S", extra = mapOf("resultStatus" to "F", "more" to "x"))
        assertEquals("""{"resultCode":"SUCCESS","resultStatus":"S","more":"x"}""", result.toJson())
        assertEquals("""{"a":"\"\\\n\u0001","b":[1.5,-2,true,null]}""", ModelJson.write(ModelJson.parse("""{"a":"\"\\\n\u0001","b":[1.5,-2,true,null]}""")))
    }
}
