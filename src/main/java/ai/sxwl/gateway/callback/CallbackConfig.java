package ai.sxwl.gateway.callback;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Callback authentication and trust. */
@ConfigMapping(prefix = "gateway.callback")
public interface CallbackConfig {

    /**
     * Key of the callback tokens (at least 32 characters). The embedded build generates one into the data folder;
     * the production build refuses to start without it.
     */
    Optional<String> secret();

    /** Apply callbacks on the untokened route at once, instead of holding them until job_status confirms them. */
    @WithDefault("false")
    boolean trustUntokened();

    /** Owner of jobs first learned from untokened callbacks. */
    Optional<String> untokenedTenant();

    /** Group commit: threads that store callbacks, each committing what arrived while it was busy in one transaction. */
    @WithDefault("2")
    int writers();

    /** Most callbacks one transaction stores. */
    @WithDefault("128")
    int batchSize();

    /** Callbacks waiting to be stored, over all writers; beyond it a callback is answered 503 with Retry-After. */
    @WithDefault("10000")
    int maxQueued();

    /**
     * How long a callback may wait for its writer (stuck on a database that does not answer) before it is answered
     * 503 with Retry-After; like the connection pool's acquisition timeout.
     */
    @WithDefault("5s")
    Duration maxWait();
}
