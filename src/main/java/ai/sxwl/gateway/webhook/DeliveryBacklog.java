package ai.sxwl.gateway.webhook;

import ai.sxwl.gateway.DependencyHealth;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

import java.time.Duration;
import java.time.Instant;

/**
 * The dispatcher's backlog: how long the longest-waiting delivery that could be sent now has been due. Retries that
 * are not due yet and deliveries waiting for an earlier one of their job do not count: they wait on purpose. Down in
 * the dependencies group past {@code gateway.webhooks.backlog-alert}; also the gauge
 * {@code gateway_webhook_backlog_seconds}.
 */
@HealthGroup(DependencyHealth.GROUP)
@ApplicationScoped
@Startup // its gauge exists from the start
public class DeliveryBacklog implements HealthCheck {

    private final DeliveryRecorder recorder;
    private final Duration alert;

    DeliveryBacklog(DeliveryRecorder recorder, WebhooksConfig config, MeterRegistry registry) {
        this.recorder = recorder;
        this.alert = config.backlogAlert();
        Gauge.builder("gateway.webhook.backlog.seconds", this, backlog -> backlog.current().toMillis() / 1000.0)
                .description("How long the longest-waiting sendable delivery has been due").register(registry);
    }

    @Override
    public HealthCheckResponse call() {
        Duration backlog = current();
        return HealthCheckResponse.named("webhook-backlog").status(backlog.compareTo(alert) <= 0)
                .withData("backlogSeconds", backlog.toSeconds()).withData("alertSeconds", alert.toSeconds()).build();
    }

    Duration current() {
        Instant now = Instant.now();
        return recorder.oldestClaimable(now).map(due -> Duration.between(due, now)).filter(d -> !d.isNegative())
                .orElse(Duration.ZERO);
    }
}
