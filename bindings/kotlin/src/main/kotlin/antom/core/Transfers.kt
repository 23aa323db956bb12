package antom.core

import antom.core.ffi.Client as FfiClient
import antom.core.ffi.checkUploadSize as ffiCheckUploadSize
import antom.core.ffi.prepareEventUpload as ffiPrepareEventUpload
import antom.core.ffi.prepareUpload as ffiPrepareUpload
import antom.core.ffi.readEventReply as ffiReadEventReply
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration

/**
 * An event-upload reply as the core reads it: never signed, so [verified] is always `false`
 * and [outcome] always [Outcome.UNKNOWN]; [resultStatus] and [resultCode] are as sent.
 */
class EventReply internal constructor(
    /** The HTTP status. */
    val status: Int,
    /** Always `false`: nothing in the reply is signed. */
    val verified: Boolean,
    /** Always [Outcome.UNKNOWN]: an unsigned reply never proves that anything happened. */
    val outcome: Outcome,
    /** `result.resultStatus` as sent (unverified), if any. */
    val resultStatus: String?,
    /** `result.resultCode` as sent (unverified), if any. */
    val resultCode: String?,
    /** The body, as received. */
    val body: String,
) {
    override fun toString(): String =
        "EventReply(status=$status, verified=$verified, outcome=$outcome, resultStatus=$resultStatus, " +
            "resultCode=$resultCode, body=<${body.length} chars>)"
}

/**
 * The two special transports: the multipart image upload (`billing/product/uploadImage`, to
 * the big-file host) and the unsigned meter event upload (`meter/uploadEvent`, with
 * `X-Session-Id`, over HTTP/2 where the server has it). The rules are the core's; this only
 * reads the file and moves bytes.
 */
internal object Transfers {
    /** HTTP/2 preferred (falls back to HTTP/1.1 on a server without it, such as the simulator). */
    private val http2: HttpClient = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_2)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build()
    private val http1: HttpClient = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build()
    private val RESTRICTED = setOf("host", "content-length", "connection")

    private fun post(
        client: HttpClient,
        url: String,
        headers: List<Pair<String, String>>,
        body: ByteArray,
        timeout: Duration,
    ): HttpResponse<ByteArray> {
        val builder = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        for ((name, value) in headers) {
            if (name.lowercase() !in RESTRICTED) builder.header(name, value)
        }
        return client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray())
    }

    /** Checks the size before reading [file], then uploads it (see [Client.uploadImage]). */
    fun uploadImage(
        owner: Client,
        inner: FfiClient,
        productId: String,
        file: Path,
        contentType: String,
        timeout: Duration,
    ): ApiResponse {
        call { ffiCheckUploadSize(Files.size(file).toULong()) }
        val data = Files.readAllBytes(file)
        val upload = call {
            ffiPrepareUpload(
                inner, productId, file.fileName.toString(), contentType, data,
                System.currentTimeMillis().toULong(),
            )
        }
        val reply = post(http1, upload.url, upload.headers.map { it.name to it.value }, upload.body, timeout)
        return owner.verifyResponse(upload.path, reply.headers(), reply.body())
    }

    /** Uploads one event and reads the unsigned reply (see [Client.uploadEvent]). */
    fun uploadEvent(inner: FfiClient, sessionId: String, body: String, timeout: Duration): EventReply {
        val upload = call { ffiPrepareEventUpload(inner, sessionId, body) }
        val http = if (upload.http2) http2 else http1
        val reply = post(http, upload.url, upload.headers.map { it.name to it.value }, upload.body.toByteArray(), timeout)
        val read = call { ffiReadEventReply(reply.body()) }
        return EventReply(
            reply.statusCode(), read.verified, Outcome.of(read.outcome), read.resultStatus, read.resultCode, read.body,
        )
    }
}
