package ai.sxwl.gateway.publish;

import ai.sxwl.gateway.DependencyHealth;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Startup;
import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The outbox lag: the age of the oldest record not yet published to Kafka (zero when the outbox is empty). Down in
 * the dependencies group past {@code gateway.outbox.lag-alert}; also the gauge {@code gateway_outbox_lag_seconds}.
 * The oldest row is found through the primary key, so a large backlog costs one index probe.
 */
@HealthGroup(DependencyHealth.GROUP)
@ApplicationScoped
@Startup // its gauge exists from the start
public class OutboxLag implements HealthCheck {

    private final EntityManager em;
    private final Duration alert;

    OutboxLag(EntityManager em, OutboxConfig config, MeterRegistry registry) {
        this.em = em;
        this.alert = config.lagAlert();
        Gauge.builder("gateway.outbox.lag.seconds", this, lag -> lag.current().toMillis() / 1000.0)
                .description("Age of the oldest Kafka record not yet published").register(registry);
    }

    @Override
    public HealthCheckResponse call() {
        Duration lag = current();
        return HealthCheckResponse.named("outbox-lag").status(lag.compareTo(alert) <= 0)
                .withData("lagSeconds", lag.toSeconds()).withData("alertSeconds", alert.toSeconds()).build();
    }

    /** Now minus the oldest unpublished row's time; zero when none waits. */
    Duration current() {
        List<Instant> oldest = QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                        "select r.createdAt from OutboxRecord r order by r.id", Instant.class)
                .setMaxResults(1).getResultList());
        if (oldest.isEmpty()) {
            return Duration.ZERO;
        }
        Duration lag = Duration.between(oldest.get(0), Instant.now());
        return lag.isNegative() ? Duration.ZERO : lag;
    }
}
