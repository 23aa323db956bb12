package antom.core.examples

import antom.core.ApiResponse
import antom.core.Client
import antom.core.NextAction
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration

/**
 * Calling Antom with the JDK's `java.net.http.HttpClient`: antom-core prepares the URL, headers
 * and body bytes; this code sends exactly those, then hands the raw response headers and raw
 * body bytes back to be verified. The body is serialised once, by you, and never re-serialised.
 */
class HttpClientExample(private val antom: Client, private val http: HttpClient = HttpClient.newHttpClient()) {
    /** `payments.inquiryPayment` for [paymentRequestId]. */
    fun inquiryPayment(paymentRequestId: String): ApiResponse {
        val body = """{"paymentRequestId":"$paymentRequestId"}""" // your JSON library in real code
        val request = antom.prepare("v1/payments/inquiryPayment", body)
        val builder = HttpRequest.newBuilder(URI.create(request.url))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofByteArray(request.bodyBytes()))
        request.headers.forEach { (name, value) -> builder.header(name, value) }
        val response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray())
        // HttpHeaders.map() is a Map<String, List<String>>: the multi-value overload takes it.
        return antom.verifyResponse(request.path, response.headers().map(), response.body())
    }

    /** What to do with the outcome: the same three branches for every API. */
    fun describe(response: ApiResponse): String = when (response.nextAction) {
        NextAction.DONE -> "paid: ${response.bodyText()}"
        NextAction.FAILED -> "failed: ${response.resultCode}"
        NextAction.INQUIRE -> "unknown: inquire again later, never ask the buyer to pay again"
    }
}
