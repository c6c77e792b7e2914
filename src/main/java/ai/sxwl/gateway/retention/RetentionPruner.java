package ai.sxwl.gateway.retention;

import ai.sxwl.gateway.background.GracefulStop;
import ai.sxwl.gateway.background.BackgroundLoop;
import ai.sxwl.gateway.background.ClusterLock;
import ai.sxwl.gateway.history.JobStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Removes what the retention no longer keeps, one small batch of each kind per transaction (short locks, small
 * WAL bursts), under a cluster lock so that replicas do not race for the same rows. Every query goes through an index
 * on the time it filters by.
 */
@ApplicationScoped
public class RetentionPruner implements GracefulStop {

    private static final Duration BETWEEN_FULL_BATCHES = Duration.ofMillis(100);
    private static final List<String> TERMINAL = Arrays.stream(JobStatus.values()).filter(JobStatus::terminal)
            .map(JobStatus::wire).toList();

    private final RetentionConfig config;
    private final EntityManager em;
    private final ClusterLock lock;
    private final MeterRegistry registry;
    private final BackgroundLoop loop = new BackgroundLoop("retention");

    RetentionPruner(RetentionConfig config, EntityManager em, ClusterLock lock, MeterRegistry registry) {
        this.config = config;
        this.em = em;
        this.lock = lock;
        this.registry = registry;
    }

    void start(@Observes StartupEvent event) {
        loop.start(() -> pruneOnce(Instant.now()) == config.batchSize()
                ? BackgroundLoop.Pause.fixed(BETWEEN_FULL_BATCHES) : BackgroundLoop.Pause.idle(config.interval()));
    }

    @Override
    public void stopBy(Deadline deadline) throws InterruptedException {
        loop.stopBy(deadline);
    }

    /** One batch of each kind; returns the largest number of rows one kind lost (a full batch: more may wait). */
    public int pruneOnce(Instant now) {
        return QuarkusTransaction.requiringNew().call(() -> {
            if (!lock.tryAcquire(ClusterLock.Name.RETENTION)) {
                return 0;
            }
            int receipts = pruneReceipts(now.minus(config.receipts()));
            int deliveries = pruneDeliveries(now.minus(config.deliveries()));
            int jobs = config.jobs().map(keep -> pruneJobs(now.minus(keep))).orElse(0);
            count("receipts", receipts);
            count("deliveries", deliveries);
            count("jobs", jobs);
            return Math.max(receipts, Math.max(deliveries, jobs));
        });
    }

    private int pruneReceipts(Instant before) {
        List<?> ids = em.createNativeQuery("SELECT id FROM callback_receipt WHERE received_at < ?1"
                + " ORDER BY received_at LIMIT ?2").setParameter(1, before).setParameter(2, config.batchSize())
                .getResultList();
        return ids.isEmpty() ? 0 : delete("DELETE FROM callback_receipt WHERE id IN (?1)", ids);
    }

    private int pruneDeliveries(Instant before) {
        List<?> ids = em.createNativeQuery("SELECT id FROM webhook_delivery WHERE updated_at < ?1"
                        + " AND state IN ('delivered', 'dead') ORDER BY updated_at LIMIT ?2")
                .setParameter(1, before).setParameter(2, config.batchSize()).getResultList();
        if (ids.isEmpty()) {
            return 0;
        }
        delete("DELETE FROM delivery_attempt WHERE delivery_id IN (?1)", ids);
        return delete("DELETE FROM webhook_delivery WHERE id IN (?1)", ids);
    }

    /** Finished jobs and all they own; a job whose events still wait in the outbox is kept until they are out. */
    private int pruneJobs(Instant before) {
        List<?> ids = em.createNativeQuery("SELECT j.job_id FROM job j WHERE j.status IN (?1) AND j.updated_at < ?2"
                        + " AND NOT EXISTS (SELECT 1 FROM kafka_outbox o WHERE o.record_key = j.job_id)"
                        + " ORDER BY j.updated_at LIMIT ?3")
                .setParameter(1, TERMINAL).setParameter(2, before).setParameter(3, config.batchSize())
                .getResultList();
        if (ids.isEmpty()) {
            return 0;
        }
        delete("DELETE FROM delivery_attempt WHERE delivery_id IN"
                + " (SELECT id FROM webhook_delivery WHERE job_id IN (?1))", ids);
        delete("DELETE FROM webhook_delivery WHERE job_id IN (?1)", ids);
        delete("DELETE FROM callback_receipt WHERE job_id IN (?1)", ids);
        delete("DELETE FROM job_event WHERE job_id IN (?1)", ids);
        delete("DELETE FROM submission WHERE job_id IN (?1)", ids);
        return delete("DELETE FROM job WHERE job_id IN (?1)", ids);
    }

    private int delete(String sql, List<?> ids) {
        return em.createNativeQuery(sql).setParameter(1, ids).executeUpdate();
    }

    private void count(String kind, int rows) {
        if (rows > 0) {
            registry.counter("gateway.retention.pruned", "kind", kind).increment(rows);
        }
    }
}
