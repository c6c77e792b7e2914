package ai.sxwl.gateway.publish;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How the outbox relay works through its rows. */
@ConfigMapping(prefix = "gateway.outbox")
public interface OutboxConfig {

    /** Rows sent per round; a round waits for all of their acknowledgements. */
    @WithDefault("256")
    int batchSize();

    /** How often an idle relay looks for rows written by other replicas (its own writes wake it at once). */
    @WithDefault("1s")
    Duration pollInterval();

    /**
     * How long a round waits for the broker's acknowledgements. Keep it above the producer's delivery.timeout.ms, so
     * that a round gives up only after the producer itself has: then no send of an abandoned round is still in
     * flight when the rows are sent again.
     */
    @WithDefault("40s")
    Duration ackTimeout();

    /** The dependencies health group reports the outbox down once its oldest row waits longer than this. */
    @WithDefault("5m")
    Duration lagAlert();

    /** Longest pause between rounds while Kafka keeps failing. */
    @WithDefault("30s")
    Duration maxBackoff();
}
