package antom.springtest;

import antom.core.Notification;
import antom.core.Outcome;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.stereotype.Component;

/**
 * Stands in for the merchant's order store: records each verified notification once per
 * {@link Notification#getDedupKey()}. {@link #setAvailable(boolean) setAvailable(false)}
 * plays a store that is down, so the endpoint answers 500 and Antom retries.
 */
@Component
public class PaymentEvents {
    private final Map<String, Outcome> byDedupKey = new ConcurrentHashMap<>();
    private final List<Notification> processed = new CopyOnWriteArrayList<>();
    private volatile boolean available = true;

    /** Processes a verified notification, idempotently. Throws when the store is down. */
    public void record(Notification notification) {
        if (!available) throw new IllegalStateException("the order store is unavailable");
        if (byDedupKey.putIfAbsent(notification.getDedupKey(), notification.getOutcome()) == null) {
            processed.add(notification); // the effect: here only when Outcome.SUCCEEDED would fulfil the order
        }
    }

    /** Every notification processed, in order (each dedup key once). */
    public List<Notification> processed() {
        return processed;
    }

    /** Makes {@link #record} fail (false) or work again (true). */
    public void setAvailable(boolean available) {
        this.available = available;
    }
}
