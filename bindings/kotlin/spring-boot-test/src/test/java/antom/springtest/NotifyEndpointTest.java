package antom.springtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import antom.core.Antom;
import antom.core.Notification;
import antom.core.Outcome;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The Spring Boot endpoints on a real port, notified by the repository's simulator
 * ({@code antom trigger notifyPayment}, signed with the throw-away Antom key of
 * tests/vectors/keys/) through the installed antom-core jar.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "antom.public-key-file=${antom.vectors}/keys/TEST-ONLY-antom.public.spki.b64")
class NotifyEndpointTest {
    private static final Path KEYS = Path.of(System.getProperty("antom.vectors"), "keys");

    @LocalServerPort
    int port;

    @Autowired
    PaymentEvents events;

    @AfterEach
    void storeBackUp() {
        events.setAvailable(true);
    }

    /** What `antom trigger` printed and its exit status. */
    record Trigger(int exit, String output) {}

    private Trigger trigger(String path, String id, String keyFile, String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of(System.getProperty("antom.bin"), "trigger", "notifyPayment",
                "--to", "http://127.0.0.1:" + port + path, "--antom-private-key", KEYS.resolve(keyFile).toString(),
                "--payment-request-id", id));
        command.addAll(List.of(extra));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "antom trigger did not finish");
        return new Trigger(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private List<Notification> processed(String id) {
        return events.processed().stream().filter(n -> n.bodyText().contains("\"" + id + "\"")).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/antom/notify", "/antom/notify-kt"})
    void signedNotificationIsProcessedAndAcknowledged(String path) throws Exception {
        String id = "spring-ok-" + System.nanoTime();
        Trigger t = trigger(path, id, "TEST-ONLY-antom.private.pkcs8.b64");
        assertEquals(0, t.exit(), t.output());
        assertTrue(t.output().contains("answer: HTTP 200, acknowledged"), t.output());
        List<Notification> got = processed(id);
        assertEquals(1, got.size());
        assertEquals(Outcome.SUCCEEDED, got.get(0).getOutcome());
        assertEquals("PAYMENT_RESULT", got.get(0).getNotifyType());

        String failedId = "spring-fail-" + System.nanoTime();
        Trigger declined = trigger(path, failedId, "TEST-ONLY-antom.private.pkcs8.b64", "--status", "FAIL");
        assertEquals(0, declined.exit(), declined.output()); // acknowledged: a failed payment is news too
        assertEquals(Outcome.FAILED, processed(failedId).get(0).getOutcome());

        // PAYMENT_PENDING: result S, yet not paid. Acknowledged, with outcome PENDING (never ship on it).
        String pendingId = "spring-pending-" + System.nanoTime();
        Trigger pending = trigger(path, pendingId, "TEST-ONLY-antom.private.pkcs8.b64", "--status", "PENDING");
        assertEquals(0, pending.exit(), pending.output());
        assertEquals("PAYMENT_PENDING", processed(pendingId).get(0).getNotifyType());
        assertEquals(Outcome.PENDING, processed(pendingId).get(0).getOutcome());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/antom/notify", "/antom/notify-kt"})
    void notificationSignedWithAnotherKeyIs401(String path) throws Exception {
        String id = "spring-forged-" + System.nanoTime();
        Trigger t = trigger(path, id, "TEST-ONLY-other.private.pkcs8.b64");
        assertEquals(1, t.exit(), t.output());
        assertTrue(t.output().contains("answer: HTTP 401"), t.output());
        assertEquals(0, processed(id).size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/antom/notify", "/antom/notify-kt"})
    void failingStoreIs500SoAntomRetries(String path) throws Exception {
        events.setAvailable(false);
        String id = "spring-down-" + System.nanoTime();
        Trigger t = trigger(path, id, "TEST-ONLY-antom.private.pkcs8.b64");
        assertEquals(1, t.exit(), t.output());
        assertTrue(t.output().contains("answer: HTTP 500"), t.output());
        assertEquals(0, processed(id).size());
    }

    /** Signs like Antom with the JDK (an independent implementation), then changes one byte. */
    @Test
    void oneByteChangedIs401WithTheCodeOnly() throws Exception {
        String path = "/antom/notify";
        String time = "2026-01-01T00:00:00Z";
        String body = "{\"notifyType\":\"PAYMENT_RESULT\",\"result\":{\"resultCode\":\"SUCCESS\",\"resultStatus\":\"S\","
                + "\"resultMessage\":\"success\"},\"paymentRequestId\":\"spring-byte-" + System.nanoTime() + "\"}";
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
                Base64.getMimeDecoder().decode(Files.readString(KEYS.resolve("TEST-ONLY-antom.private.pkcs8.b64")).trim()))));
        rsa.update(("POST " + path + "\nSANDBOX_5X00000000000000." + time + "." + body).getBytes(StandardCharsets.UTF_8));
        String signature = "algorithm=RSA256,keyVersion=1,signature="
                + URLEncoder.encode(Base64.getEncoder().encodeToString(rsa.sign()), StandardCharsets.UTF_8);

        HttpResponse<String> ok = post(path, body, time, signature);
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(Antom.NOTIFICATION_ACK, ok.body());
        assertTrue(ok.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));

        HttpResponse<String> forged = post(path, body.replace("\"S\"", "\"F\""), time, signature);
        assertEquals(401, forged.statusCode());
        assertEquals("SIGNATURE_MISMATCH", forged.body());
    }

    private HttpResponse<String> post(String path, String body, String time, String signature) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json; charset=UTF-8")
                .header("client-id", "SANDBOX_5X00000000000000")
                .header("request-time", time)
                .header("signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }
}
