package antom.springtest;

import antom.core.Client;
import antom.core.WebhookHandler;
import antom.core.WebhookReply;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** The Antom notification endpoint (Java): raw bytes and headers in, the handler's reply out. */
@RestController
public class NotifyController {
    private final WebhookHandler handler;

    public NotifyController(Client antom, PaymentEvents events) {
        // The path registered with Antom as the notify URL's path: it is signed.
        this.handler = new WebhookHandler(antom, "/antom/notify", events::record);
    }

    @PostMapping("/antom/notify")
    public ResponseEntity<String> notify(@RequestBody byte[] body, @RequestHeader HttpHeaders headers) {
        WebhookReply reply = handler.handleMultiValue(headers, body); // 200 ACK, 401 or 500
        return ResponseEntity.status(reply.getStatus())
                .contentType(MediaType.parseMediaType(reply.getContentType()))
                .body(reply.getBody());
    }
}
