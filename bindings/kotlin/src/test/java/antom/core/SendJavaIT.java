package antom.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import kotlin.Pair;
import org.junit.jupiter.api.Test;

/** {@link Client#send} and {@link WebhookHandler} as plain Java sees them. */
class SendJavaIT {
    @Test
    void sendFromJava() throws Exception {
        try (AntomMock mock = new AntomMock()) {
            Client antom = mock.client();
            String id = "java-send-" + System.nanoTime();
            SendOptions options = SendOptions.builder().timeout(Duration.ofSeconds(10)).retries(1).build();
            SendResult pay = antom.send("v1/payments/pay", ("{\"paymentRequestId\":\"" + id + "\",\"productCode\":\"CASHIER_PAYMENT\","
                    + "\"paymentAmount\":{\"currency\":\"USD\",\"value\":\"1000\"},\"paymentMethod\":{\"paymentMethodType\":\"ALIPAY_CN\"}}")
                    .getBytes(StandardCharsets.UTF_8), options);
            assertNull(pay.getError());
            assertEquals(Outcome.PENDING, pay.getOutcome());
            assertEquals(Integer.valueOf(200), pay.getHttpStatus());
            SendResult inquiry = antom.send("v1/payments/inquiryPayment", "{\"paymentRequestId\":\"" + id + "\"}"); // SendOptions.DEFAULT
            assertEquals(Outcome.PENDING, inquiry.getOutcome());
            assertTrue(inquiry.getResponse().getVerified());
        }
    }

    @Test
    void handlerCallbackMayThrowCheckedExceptions() {
        String path = "/antom/notify";
        String body = "{\"notifyType\":\"PAYMENT_RESULT\",\"result\":{\"resultCode\":\"SUCCESS\",\"resultStatus\":\"S\","
                + "\"resultMessage\":\"success\"},\"paymentRequestId\":\"java-1\"}";
        List<Pair<String, String>> headers = TestKeys.INSTANCE.antomHeaders(path, body, "2025-05-19T01:52:32Z", "request-time");
        WebhookHandler failing = new WebhookHandler(TestKeys.INSTANCE.verifyOnlyClient(), path, notification -> {
            throw new IOException("the order store is down"); // a checked exception, no wrapping needed
        });
        WebhookReply reply = failing.handle(headers, body.getBytes(StandardCharsets.UTF_8));
        assertEquals(500, reply.getStatus());
        assertTrue(reply.getCause() instanceof IOException);

        WebhookHandler ok = new WebhookHandler(TestKeys.INSTANCE.verifyOnlyClient(), path, notification -> { });
        WebhookReply acked = ok.handle(headers, body.getBytes(StandardCharsets.UTF_8));
        assertEquals(200, acked.getStatus());
        assertEquals(Antom.NOTIFICATION_ACK, acked.getBody());
        assertEquals("application/json", acked.getContentType());
    }
}
