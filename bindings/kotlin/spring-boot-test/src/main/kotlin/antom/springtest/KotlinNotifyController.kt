package antom.springtest

import antom.core.Client
import antom.core.WebhookHandler
import org.springframework.http.HttpHeaders
import org.springframework.http.MediaType
import org.springframework.http.ResponseEntity
import org.springframework.web.bind.annotation.PostMapping
import org.springframework.web.bind.annotation.RequestBody
import org.springframework.web.bind.annotation.RequestHeader
import org.springframework.web.bind.annotation.RestController

/** The Antom notification endpoint (Kotlin), registered at its own path. */
@RestController
class KotlinNotifyController(antom: Client, events: PaymentEvents) {
    private val handler = WebhookHandler(antom, "/antom/notify-kt", events::record)

    @PostMapping("/antom/notify-kt")
    fun notify(@RequestBody body: ByteArray, @RequestHeader headers: HttpHeaders): ResponseEntity<String> {
        val reply = handler.handle(headers, body) // 200 ACK, 401 or 500
        return ResponseEntity.status(reply.status)
            .contentType(MediaType.parseMediaType(reply.contentType))
            .body(reply.body)
    }
}
