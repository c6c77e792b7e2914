package ai.sxwl.gateway.webhook;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-endpoint isolation, in this process: a bound on attempts in flight to one endpoint, and a circuit breaker
 * that pauses an endpoint after consecutive failures, so that one slow or dead receiver never takes the capacity
 * that the others need.
 */
@ApplicationScoped
public class Endpoints {

    static final int FAILURES_TO_OPEN = 5;
    static final Duration OPEN_FOR = Duration.ofSeconds(30);
    /** When all of an endpoint's slots are taken, look again this soon (a slot frees when an attempt ends). */
    static final Duration BUSY_RETRY = Duration.ofMillis(100);

    private final int maxInFlight;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    Endpoints(WebhooksConfig config) {
        this.maxInFlight = config.maxInFlightPerEndpoint();
    }

    /** Takes a slot for an attempt to this endpoint, or says until when it should wait. */
    Instant tryAcquire(String endpoint, Instant now) {
        State state = states.computeIfAbsent(endpoint, k -> new State());
        synchronized (state) {
            if (state.openUntil != null && now.isBefore(state.openUntil)) {
                return state.openUntil;
            }
            if (state.inFlight >= maxInFlight) {
                return now.plus(BUSY_RETRY);
            }
            state.inFlight++;
            return null;
        }
    }

    void release(String endpoint, boolean succeeded, Instant now) {
        State state = states.get(endpoint);
        synchronized (state) {
            state.inFlight--;
            if (succeeded) {
                state.failures = 0;
                state.openUntil = null;
            } else if (++state.failures >= FAILURES_TO_OPEN) {
                state.openUntil = now.plus(OPEN_FOR);
            }
        }
    }

    private static final class State {
        int inFlight;
        int failures;
        Instant openUntil;
    }
}
