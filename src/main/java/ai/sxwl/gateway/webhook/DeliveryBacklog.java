package ai.sxwl.gateway.webhook;

import ai.sxwl.gateway.observability.ApplicationGauges;
import ai.sxwl.gateway.observability.DependencyHealth;
import ai.sxwl.gateway.observability.LagCheck;
import io.quarkus.runtime.Startup;
import io.smallrye.health.api.HealthGroup;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.time.Instant;

/**
 * The dispatcher's backlog: how long the longest-waiting delivery that could be sent now has been due
 * ({@code webhook-backlog}, {@code gateway_webhook_backlog_seconds}, alert at {@code gateway.webhooks.backlog-alert}).
 * Retries that are not due yet and deliveries waiting for an earlier one of their job do not count: they wait on
 * purpose.
 */
@HealthGroup(DependencyHealth.GROUP)
@Singleton
@Startup // its gauge exists from the start
public class DeliveryBacklog extends LagCheck {

    private final DeliveryRecorder recorder;

    DeliveryBacklog(DeliveryRecorder recorder, WebhooksConfig config, ApplicationGauges gauges) {
        super("webhook-backlog", config.backlogAlert(), "gateway.webhook.backlog.seconds",
                "How long the longest-waiting sendable delivery has been due", gauges);
        this.recorder = recorder;
    }

    @Override
    protected Duration current() {
        Instant now = Instant.now();
        return recorder.oldestClaimable(now).map(due -> Duration.between(due, now)).filter(d -> !d.isNegative())
                .orElse(Duration.ZERO);
    }
}
