package ai.sxwl.gateway.webhook;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;

@ConfigMapping(prefix = "gateway.webhooks")
public interface WebhooksConfig {

    /** Delays between attempts (each ±20% jitter); after the last one the delivery is dead. */
    @WithDefault("5s,5m,30m,2h,5h,10h,10h")
    List<Duration> retrySchedule();

    /** One attempt: connecting, sending and the answer. */
    @WithDefault("15s")
    Duration timeout();

    /** How long resolving a target's host name may take before the attempt fails (and is retried). */
    @WithDefault("5s")
    Duration dnsTimeout();

    /** Allow loopback and private targets (cloud metadata endpoints stay refused). */
    @WithDefault("false")
    boolean allowPrivateAddresses();

    /** A subscription failing without a success for this long is disabled. */
    @WithDefault("5d")
    Duration disableAfter();

    /** Attempts in flight to one endpoint at once. */
    @WithDefault("4")
    int maxInFlightPerEndpoint();

    /** Attempts in flight in all. */
    @WithDefault("64")
    int maxInFlight();

    /** How long the previous secret keeps signing after a rotation. */
    @WithDefault("24h")
    Duration rotationOverlap();

    /**
     * The dependencies health group reports the dispatcher down once a delivery that could be sent has waited longer
     * than this past its due time.
     */
    @WithDefault("5m")
    Duration backlogAlert();

    /** Longest Retry-After honoured; a longer one is cut to this. */
    @WithDefault("6h")
    Duration maxRetryAfter();

    /** Subscriptions one tenant may have; creating one more is answered 422. */
    @WithDefault("100")
    int maxSubscriptionsPerTenant();

    /**
     * Replay and redeliver-dead calls (each queues up to 500 deliveries) one tenant may make a minute, per replica;
     * beyond it 429 with Retry-After, so that no tenant turns the gateway into an amplifier against a URL.
     */
    @WithDefault("10")
    int replaysPerTenantPerMinute();
}
