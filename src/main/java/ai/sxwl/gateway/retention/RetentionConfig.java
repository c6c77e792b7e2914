package ai.sxwl.gateway.retention;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "gateway.retention")
public interface RetentionConfig {

    /** Raw callbacks are kept this long after they arrived. */
    @WithDefault("30d")
    Duration receipts();

    /** Delivered and dead webhook deliveries (with their attempts) are kept this long after they settled. */
    @WithDefault("30d")
    Duration deliveries();

    /**
     * Finished jobs (succeeded, failed, cancelled, lost) with their events, receipts, deliveries and submission are
     * removed this long after their last change. Unset: kept for ever.
     */
    Optional<Duration> jobs();

    /** Rows of one kind removed per transaction. */
    @WithDefault("500")
    int batchSize();

    /** How often the pruner looks; it goes on at once while a batch comes back full. */
    @WithDefault("1m")
    Duration interval();
}
