package antom.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import antom.core.examples.WebhookExample;
import com.sun.net.httpserver.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import kotlin.Pair;
import org.junit.jupiter.api.Test;

/** Posts notifications signed with the throw-away Antom key (JDK Signature) to the webhook example. */
class WebhookExampleIT {
    private static final String BODY = "{\"notifyType\":\"PAYMENT_RESULT\",\"result\":{\"resultCode\":\"SUCCESS\","
            + "\"resultStatus\":\"S\",\"resultMessage\":\"success\"},\"paymentRequestId\":\"pay_1\"}";

    private static HttpResponse<String> post(HttpServer server, List<Pair<String, String>> headers, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + WebhookExample.NOTIFY_PATH))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (Pair<String, String> h : headers) {
            if (!h.getFirst().equalsIgnoreCase("content-type")) request.header(h.getFirst(), h.getSecond());
        }
        request.header("Content-Type", "application/json");
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void verifiesProcessesAndAcknowledges() throws Exception {
        List<Notification> processed = new CopyOnWriteArrayList<>();
        // A notification receiver needs no private key: a verify-only client.
        HttpServer server = WebhookExample.start(TestKeys.INSTANCE.verifyOnlyClient(), 0, processed::add);
        try {
            List<Pair<String, String>> headers = TestKeys.INSTANCE.antomHeaders(
                    WebhookExample.NOTIFY_PATH, BODY, "2025-05-19T01:52:32Z", "request-time");

            HttpResponse<String> ok = post(server, headers, BODY);
            assertEquals(200, ok.statusCode());
            assertEquals(Antom.NOTIFICATION_ACK, ok.body());
            assertEquals(1, processed.size());
            assertEquals("PAYMENT_RESULT", processed.get(0).getNotifyType());
            assertEquals(ResultStatus.SUCCESS, processed.get(0).getResultStatus());

            // One byte changed: not authentic, not processed, no ACK (Antom will retry).
            HttpResponse<String> tampered = post(server, headers, BODY.replace("pay_1", "pay_2"));
            assertEquals(401, tampered.statusCode());
            // No signature at all.
            HttpResponse<String> unsigned = post(server, List.of(), BODY);
            assertEquals(401, unsigned.statusCode());
            assertEquals(1, processed.size());
        } finally {
            server.stop(0);
        }
    }
}
