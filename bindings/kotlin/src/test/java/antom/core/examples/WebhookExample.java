package antom.core.examples;

import antom.core.Antom;
import antom.core.AntomException;
import antom.core.Client;
import antom.core.Notification;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * An Antom notification endpoint on the JDK's built-in {@code com.sun.net.httpserver}: read the
 * raw body bytes and the raw headers, verify, process idempotently, answer
 * {@link Antom#NOTIFICATION_ACK}. Anything that does not verify gets a 401 and is not processed.
 */
public final class WebhookExample {
    /** The path registered with Antom as your notify URL's path: it is part of what Antom signs. */
    public static final String NOTIFY_PATH = "/antom/notify";

    private WebhookExample() {}

    /** Starts the endpoint on 127.0.0.1:{@code port} (0: any free port). */
    public static HttpServer start(Client client, int port, Consumer<Notification> process) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext(NOTIFY_PATH, exchange -> handle(client, process, exchange));
        server.start();
        return server;
    }

    static void handle(Client client, Consumer<Notification> process, HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes(); // the raw bytes Antom signed: never parse and re-serialise first
            }
            Notification notification;
            try {
                // Headers is a Map<String, List<String>>: the multi-value overload takes it as is.
                notification = client.verifyNotificationMultiValue(NOTIFY_PATH, exchange.getRequestHeaders(), body);
            } catch (AntomException e) {
                // e.getCode() is SIGNATURE_MISMATCH, MISSING_HEADER, ...; the message is safe to log.
                System.err.println("rejected notification: " + e.getMessage());
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            process.accept(notification); // idempotently: Antom resends until it gets the ACK
            byte[] ack = Antom.NOTIFICATION_ACK.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, ack.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(ack);
            }
        }
    }
}
