package ai.sxwl.gateway.webhook;

import ai.sxwl.gateway.observability.ApplicationGauges;
import ai.sxwl.gateway.observability.LagCheck;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gauges read from the database every 15 s: pending and dead deliveries per subscription, disabled endpoints. Created
 * at startup, so that the gauges are exported from the first scrape on, not from the first refresh.
 */
@Startup
@ApplicationScoped
public class WebhookMetrics {

    private final EntityManager em;
    private final MultiGauge pending;
    private final MultiGauge dead;
    private final AtomicLong disabled = new AtomicLong();

    WebhookMetrics(EntityManager em, MeterRegistry registry, ApplicationGauges gauges) {
        this.em = em;
        this.pending = MultiGauge.builder("gateway.webhook.deliveries.pending")
                .description("Deliveries not yet delivered (pending or retrying)" + LagCheck.FROM_DATABASE).register(registry);
        this.dead = MultiGauge.builder("gateway.webhook.deliveries.dead")
                .description("Deliveries given up on" + LagCheck.FROM_DATABASE).register(registry);
        gauges.register(Gauge.builder("gateway.webhook.endpoints.disabled", disabled, AtomicLong::get)
                .description("Subscriptions disabled" + LagCheck.FROM_DATABASE));
    }

    @Scheduled(every = "15s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional
    @SuppressWarnings("unchecked")
    void refresh() {
        List<Object[]> counts = em.createNativeQuery("SELECT COALESCE(subscription_id, 'job-callback'), state,"
                + " count(*) FROM webhook_delivery WHERE state IN ('pending', 'failed', 'dead')"
                + " GROUP BY subscription_id, state").getResultList();
        Map<String, Long> pendingBySubscription = new HashMap<>();
        Map<String, Long> deadBySubscription = new HashMap<>();
        for (Object[] row : counts) {
            ("dead".equals(row[1]) ? deadBySubscription : pendingBySubscription)
                    .merge((String) row[0], ((Number) row[2]).longValue(), Long::sum);
        }
        // The job callbacks' series always exists, at 0 when nothing waits: an alert or a panel then reads "none"
        // instead of "not exported" before the first delivery.
        pendingBySubscription.putIfAbsent("job-callback", 0L);
        deadBySubscription.putIfAbsent("job-callback", 0L);
        pending.register(rows(pendingBySubscription), true);
        dead.register(rows(deadBySubscription), true);
        disabled.set(((Number) em.createNativeQuery("SELECT count(*) FROM subscription WHERE NOT enabled")
                .getSingleResult()).longValue());
    }

    private static List<MultiGauge.Row<?>> rows(Map<String, Long> counts) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        counts.forEach((subscription, count) -> rows.add(MultiGauge.Row.of(Tags.of("subscription", subscription),
                count)));
        return rows;
    }
}
