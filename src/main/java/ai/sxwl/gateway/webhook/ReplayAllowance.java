package ai.sxwl.gateway.webhook;

import ai.sxwl.gateway.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many bulk re-sends (a replay, a redeliver-dead) each tenant may start a minute in this process: a fixed window
 * per tenant, counted from its first call. Beyond it the call is answered 429 with the seconds left in the window.
 */
@ApplicationScoped
public class ReplayAllowance {

    private static final long WINDOW_NANOS = 60_000_000_000L;

    private final int perMinute;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    ReplayAllowance(WebhooksConfig config) {
        this.perMinute = config.replaysPerTenantPerMinute();
    }

    /** Counts one bulk re-send of the tenant, or throws the 429 problem when its minute's allowance is spent. */
    public void take(String tenant) {
        long now = System.nanoTime();
        Window window = windows.compute(tenant, (name, current) -> current == null
                || now - current.startedAt >= WINDOW_NANOS ? new Window(now, 1) : new Window(current.startedAt,
                current.used + 1));
        if (window.used > perMinute) {
            long secondsLeft = Math.max(1, (window.startedAt + WINDOW_NANOS - now + 999_999_999L) / 1_000_000_000L);
            throw ProblemException.tooManyRequests("At most " + perMinute + " replays and redeliveries of dead"
                    + " deliveries a minute; try again in " + secondsLeft + " s.", (int) secondsLeft);
        }
    }

    private record Window(long startedAt, int used) {
    }
}
