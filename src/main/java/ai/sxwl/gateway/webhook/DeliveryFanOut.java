package ai.sxwl.gateway.webhook;

import ai.sxwl.gateway.background.BackgroundLoop;
import ai.sxwl.gateway.background.ClusterLock;
import ai.sxwl.gateway.background.GracefulStop;
import ai.sxwl.gateway.eventfilter.FilterCache;
import ai.sxwl.gateway.eventfilter.FilteredEvent;
import ai.sxwl.gateway.history.Job;
import ai.sxwl.gateway.history.JobChanged;
import ai.sxwl.gateway.history.JobEvent;
import ai.sxwl.gateway.history.JobLedger;
import ai.sxwl.gateway.history.JobStatus;
import ai.sxwl.gateway.history.Submission;
import ai.sxwl.gateway.publish.CloudEvents;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.EntityManager;
import org.hibernate.Session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns committed job changes into deliveries, after the change's own transaction (Debezium-outbox style): the
 * CloudEvent to every enabled subscription of the tenant that wants it, and, when the job succeeded or failed or its
 * model URL arrived later, the SXWL-shaped body to the job's own callback URL from the submit proxy. A change's
 * transaction writes only its
 * {@code webhook_fan_out} row, so a tenant's subscription count never lengthens a callback's transaction, its own or
 * anyone else's.
 *
 * <p>One pass takes the oldest of those rows, one replica at a time ({@link ClusterLock}), and in one transaction
 * inserts their changes' deliveries (at most {@link #DELIVERIES_PER_PASS}, whole changes only) and deletes the rows: a
 * kill -9 leaves a pass undone, never half done, and the next pass does it. A job's changes are fanned out in their
 * order (a later change of a job is written only after the earlier one committed, so its row has the higher id),
 * which the dispatcher's per-job order per target relies on. Deliveries have deterministic webhook-ids, unique in the
 * database, so a change fanned out twice still gives one delivery per target.
 */
@ApplicationScoped
public class DeliveryFanOut implements GracefulStop {

    static final int CHANGES_PER_PASS = 500;
    static final int DELIVERIES_PER_PASS = 1_000;
    /** Changes committed on other replicas are found within this. */
    private static final Duration IDLE = Duration.ofSeconds(1);

    private final CloudEvents cloudEvents;
    private final ObjectMapper mapper;
    private final EntityManager em;
    private final ClusterLock lock;
    private final DeliveryDispatcher dispatcher;
    private final FilterCache filterCache;
    private final BackgroundLoop loop = new BackgroundLoop("webhook-fan-out");

    DeliveryFanOut(CloudEvents cloudEvents, ObjectMapper mapper, EntityManager em, ClusterLock lock,
                   DeliveryDispatcher dispatcher, FilterCache filterCache) {
        this.cloudEvents = cloudEvents;
        this.filterCache = filterCache;
        this.mapper = mapper;
        this.em = em;
        this.lock = lock;
        this.dispatcher = dispatcher;
    }

    void start(@Observes StartupEvent event) {
        loop.start(() -> fanOut() > 0 ? BackgroundLoop.Pause.NONE : BackgroundLoop.Pause.idle(IDLE));
    }

    @Override
    public void stopBy(Deadline deadline) throws InterruptedException {
        loop.stopBy(deadline);
    }

    /** The change's webhook outbox row, in the change's own transaction. */
    void onChange(@Observes JobChanged change) {
        em.createNativeQuery("INSERT INTO webhook_fan_out (job_id, seq) VALUES (?1, ?2)")
                .setParameter(1, change.jobId()).setParameter(2, change.seq()).executeUpdate();
    }

    /** A change committed on this replica: fan it out now. */
    void onCommittedChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) JobChanged change) {
        loop.wakeUp();
    }

    /** One pass; returns how many changes it fanned out. */
    int fanOut() {
        int changes = QuarkusTransaction.requiringNew().call(() -> lock.tryAcquire(ClusterLock.Name.WEBHOOK_FAN_OUT)
                ? fanOutPending() : 0);
        if (changes > 0) {
            dispatcher.wakeUp();
        }
        return changes;
    }

    @SuppressWarnings("unchecked")
    private int fanOutPending() {
        List<Object[]> pending = em.createNativeQuery("SELECT id, job_id, seq FROM webhook_fan_out ORDER BY id")
                .setMaxResults(CHANGES_PER_PASS).getResultList();
        if (pending.isEmpty()) {
            return 0;
        }
        List<String> jobIds = pending.stream().map(row -> (String) row[1]).distinct().toList();
        Map<String, Job> jobs = Job.<Job>list("jobId in ?1", jobIds).stream()
                .collect(Collectors.toMap(job -> job.jobId, Function.identity()));
        Map<String, String> callbackTargets = callbackTargets(jobs.values());
        Map<String, List<Subscription>> subscriptions = Subscription.<Subscription>list(
                        "tenant in ?1 and enabled = true", jobs.values().stream().map(job -> job.tenant).distinct()
                                .toList())
                .stream().collect(Collectors.groupingBy(subscription -> subscription.tenant));
        // The events only of jobs that have somewhere to go: a tenant that publishes to Kafka alone costs no query.
        List<String> withTargets = jobs.values().stream().filter(job -> subscriptions.containsKey(job.tenant)
                || job.submissionId != null && callbackTargets.containsKey(job.submissionId))
                .map(job -> job.jobId).toList();
        Map<String, JobEvent> events = withTargets.isEmpty() ? Map.of() : JobEvent.<JobEvent>list("jobId in ?1",
                        withTargets).stream()
                .collect(Collectors.toMap(event -> event.jobId + "/" + event.seq, Function.identity()));
        Instant now = Instant.now();
        List<Delivery> deliveries = new ArrayList<>();
        List<Long> fanned = new ArrayList<>();
        for (Object[] row : pending) {
            Job job = jobs.get((String) row[1]);
            JobEvent event = events.get(row[1] + "/" + ((Number) row[2]).longValue());
            // No event: the job has nowhere to go, or retention pruned it (nothing is left to deliver then).
            List<Delivery> ofChange = job == null || event == null ? List.of() : deliveries(JobChanged.of(job, event),
                    subscriptions.getOrDefault(job.tenant, List.of()),
                    job.submissionId == null ? null : callbackTargets.get(job.submissionId), now);
            if (!fanned.isEmpty() && deliveries.size() + ofChange.size() > DELIVERIES_PER_PASS) {
                break; // the rest in the next pass, in order
            }
            deliveries.addAll(ofChange);
            fanned.add(((Number) row[0]).longValue());
        }
        insert(deliveries);
        em.createNativeQuery("DELETE FROM webhook_fan_out WHERE id IN (:ids)").setParameter("ids", fanned).executeUpdate();
        return fanned.size();
    }

    /** The submit proxy's callbackUrl of each submission (by id) that gave one. */
    private static Map<String, String> callbackTargets(Collection<Job> jobs) {
        List<String> submissionIds = jobs.stream().map(job -> job.submissionId).filter(Objects::nonNull).toList();
        if (submissionIds.isEmpty()) {
            return Map.of();
        }
        return Submission.<Submission>list("id in ?1 and callbackTarget is not null", submissionIds).stream()
                .collect(Collectors.toMap(submission -> submission.id, submission -> submission.callbackTarget));
    }

    private List<Delivery> deliveries(JobChanged change, List<Subscription> subscriptions, String callbackTarget,
                                      Instant now) {
        List<Delivery> deliveries = new ArrayList<>();
        String cloudEvent = null;
        FilteredEvent filtered = cloudEvents.filterView(change);
        for (Subscription subscription : subscriptions) {
            if (subscription.wants(change, filtered, filterCache)) {
                cloudEvent = cloudEvent != null ? cloudEvent : cloudEvents.toJson(change);
                deliveries.add(delivery(change, subscription.id, subscription.url, cloudEvent,
                        messageId(change, subscription.id), now));
            }
        }
        if (callbackTarget != null && forwardedToJobTarget(change)) {
            deliveries.add(delivery(change, null, callbackTarget, sxwlBody(change),
                    messageId(change, Delivery.JOB_TARGET), now));
        }
        return deliveries;
    }

    /** One JDBC batch; a delivery whose webhook-id exists already is that one, and is left as it is. */
    private void insert(List<Delivery> deliveries) {
        if (deliveries.isEmpty()) {
            return;
        }
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO webhook_delivery (message_id,"
                    + " tenant, subscription_id, target_key, url, job_id, seq, event_id, event_type, body, traceparent,"
                    + " state, attempts, next_attempt_at, created_at, updated_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                for (Delivery delivery : deliveries) {
                    insert.setString(1, delivery.messageId);
                    insert.setString(2, delivery.tenant);
                    insert.setString(3, delivery.subscriptionId);
                    insert.setString(4, delivery.targetKey);
                    insert.setString(5, delivery.url);
                    insert.setString(6, delivery.jobId);
                    insert.setLong(7, delivery.seq);
                    insert.setString(8, delivery.eventId);
                    insert.setString(9, delivery.eventType);
                    insert.setString(10, delivery.body);
                    insert.setString(11, delivery.traceparent);
                    insert.setString(12, delivery.state.wire());
                    insert.setObject(13, delivery.nextAttemptAt.atOffset(ZoneOffset.UTC));
                    insert.setObject(14, delivery.createdAt.atOffset(ZoneOffset.UTC));
                    insert.setObject(15, delivery.updatedAt.atOffset(ZoneOffset.UTC));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        });
    }

    /** Queues a prepared delivery as a new message (a replay: a fresh webhook-id). */
    static void replay(Delivery delivery, Instant now) {
        delivery.messageId = "msg_" + UUID.randomUUID().toString().replace("-", "");
        delivery.state = DeliveryState.PENDING;
        delivery.nextAttemptAt = now;
        delivery.createdAt = now;
        delivery.updatedAt = now;
        delivery.persist();
    }

    private static Delivery delivery(JobChanged change, String subscriptionId, String url, String body,
                                     String messageId, Instant now) {
        Delivery delivery = new Delivery();
        delivery.messageId = messageId;
        delivery.tenant = change.tenant();
        delivery.subscriptionId = subscriptionId;
        delivery.targetKey = subscriptionId != null ? subscriptionId : Delivery.JOB_TARGET;
        delivery.url = url;
        delivery.jobId = change.jobId();
        delivery.seq = change.seq();
        delivery.eventId = CloudEvents.eventId(change);
        delivery.eventType = CloudEvents.TYPE_PREFIX + change.type();
        delivery.body = body;
        delivery.traceparent = change.traceparent();
        delivery.state = DeliveryState.PENDING;
        delivery.nextAttemptAt = now;
        delivery.createdAt = now;
        delivery.updatedAt = now;
        return delivery;
    }

    /**
     * The job's own callbackUrl hears what SXWL would have told it: the end (succeeded or failed), and a model URL
     * that became known or was refreshed after the success (model_available), which SXWL itself never resends.
     */
    private static boolean forwardedToJobTarget(JobChanged change) {
        boolean ended = (change.status() == JobStatus.SUCCEEDED || change.status() == JobStatus.FAILED)
                && change.type().equals(change.status().wire());
        return ended || change.type().equals(JobLedger.MODEL_AVAILABLE);
    }

    /**
     * What SXWL itself would have posted, with both spellings of the id: {@code jobId} (the real sender) and
     * {@code job_id} (its document), same value, so a receiver written against either finds it.
     */
    private String sxwlBody(JobChanged change) {
        return mapper.createObjectNode()
                .put("status", change.status() == JobStatus.SUCCEEDED ? "success" : "fail")
                .put("jobId", change.jobId())
                .put("job_id", change.jobId())
                .put("url", change.modelUrl() == null ? "" : change.modelUrl())
                .toString();
    }

    /** The same (event, target) always gives the same webhook-id. */
    private static String messageId(JobChanged change, String targetKey) {
        return messageId(CloudEvents.eventId(change), targetKey);
    }

    static String messageId(String eventId, String targetKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    (eventId + "|" + targetKey).getBytes(StandardCharsets.UTF_8));
            return "msg_" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
