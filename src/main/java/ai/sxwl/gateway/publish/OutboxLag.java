package ai.sxwl.gateway.publish;

import ai.sxwl.gateway.observability.ApplicationGauges;
import ai.sxwl.gateway.observability.DependencyHealth;
import ai.sxwl.gateway.observability.LagCheck;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Startup;
import io.smallrye.health.api.HealthGroup;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The outbox lag: the age of the oldest record not yet published to Kafka ({@code outbox-lag},
 * {@code gateway_outbox_lag_seconds}, alert at {@code gateway.outbox.lag-alert}). The oldest row is found through the
 * primary key, so a large backlog costs one index probe.
 */
@HealthGroup(DependencyHealth.GROUP)
@Singleton
@Startup // its gauge exists from the start
public class OutboxLag extends LagCheck {

    private final EntityManager em;

    OutboxLag(EntityManager em, OutboxConfig config, ApplicationGauges gauges) {
        super("outbox-lag", config.lagAlert(), "gateway.outbox.lag.seconds",
                "Age of the oldest Kafka record not yet published", gauges);
        this.em = em;
    }

    @Override
    protected Duration current() {
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
