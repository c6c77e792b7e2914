package ai.sxwl.gateway.reconcile;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "gateway.reconcile")
public interface ReconcileConfig {

    /** Run the polling loop in this process. */
    @WithDefault("true")
    boolean enabled();

    /** First poll of a job after its last news. */
    @WithDefault("60s")
    Duration initialDelay();

    /** Polling backs off exponentially (with ±20% jitter) up to this. */
    @WithDefault("10m")
    Duration maxInterval();

    /** Cap on upstream job_status calls per second of this process (a token bucket). */
    @WithDefault("5")
    double maxCallsPerSecond();

    /** Upstream calls in flight at once. */
    @WithDefault("4")
    int maxInFlight();

    /** After a timed job's expected end, how long before it is reported stalled. */
    @WithDefault("30m")
    Duration stallGrace();

    /**
     * Polls that may fail (upstream down, throttling) while confirming a job named only by an unauthenticated
     * callback; then the gateway stops trying and forgets the job (its receipts stay, marked so).
     */
    @WithDefault("5")
    int confirmAttempts();

    /** Polls in a row answered "unknown job" before a job the gateway did not cancel is lost. */
    @WithDefault("3")
    int lostAfter();
}
