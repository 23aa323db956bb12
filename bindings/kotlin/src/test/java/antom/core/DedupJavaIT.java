package antom.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import antom.core.dedup.Dedup;
import antom.core.dedup.DedupAnswer;
import antom.core.dedup.Dispatcher;
import antom.core.dedup.JdbcDedupStore;
import antom.core.models.NotifyPaymentRequest;
import antom.core.testing.SignedMessage;
import antom.core.testing.TestKit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** antom.core.dedup from plain Java: the Dispatcher with a model class, Dedup.processOnce, an SQLite store. */
class DedupJavaIT {
    @Test
    void dispatcherAndProcessOnceFromJava() throws Exception {
        Path dir = Files.createTempDirectory("antom-dedup-java-");
        try (TestKit kit = new TestKit(); Client client = kit.client()) {
            JdbcDedupStore store = JdbcDedupStore.sqlite(dir.resolve("dedup.sqlite3").toString());
            store.createTable();
            List<String> paid = new ArrayList<>();
            Dispatcher dispatcher = new Dispatcher(client, "/antom/notify", store)
                .on("PAYMENT_RESULT", NotifyPaymentRequest.class, d -> {
                    assertNotNull(d.getConnection());
                    try (PreparedStatement st = d.getConnection().prepareStatement("SELECT 1")) {
                        st.executeQuery().close();
                    }
                    paid.add(d.getModel().getPaymentRequestId());
                })
                .fallback(d -> { });
            SignedMessage m = kit.notification("PAYMENT_RESULT", Map.of("paymentRequestId", "order-j", "paymentId", "PJ-1"));
            for (int i = 0; i < 3; i++) {
                WebhookReply reply = dispatcher.handleMultiValue(Map.of(
                    "client-id", List.of(m.getHeaderMap().get("client-id")),
                    "request-time", List.of(m.getHeaderMap().get("request-time")),
                    "signature", List.of(m.getHeaderMap().get("signature"))), m.getBody());
                assertEquals(200, reply.getStatus());
            }
            assertEquals(List.of("order-j"), paid);

            Notification n = client.verifyNotification("/antom/notify", m.getHeaders(), m.getBody());
            DedupAnswer again = Dedup.processOnce(store, n, (notification, connection) -> paid.add("twice"));
            assertEquals(DedupAnswer.DUPLICATE, again.getReason());
            assertTrue(again.getAcknowledged());
            SignedMessage other = kit.notification("PAYMENT_RESULT", Map.of("paymentId", "PJ-2"));
            Notification fresh = client.verifyNotification("/antom/notify", other.getHeaders(), other.getBody());
            DedupAnswer failed = Dedup.processOnce(store, fresh, (notification, connection) -> {
                throw new java.io.IOException("checked, from Java");
            }, 5_000L);
            assertEquals(500, failed.getStatus());
            assertEquals("CALLBACK_FAILED", failed.getBody());
            assertEquals(1, paid.size());
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
