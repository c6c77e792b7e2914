package ai.sxwl.gateway.webhook;

import ai.sxwl.gateway.history.Job;
import ai.sxwl.gateway.history.JobChanged;
import ai.sxwl.gateway.history.JobLedger;
import ai.sxwl.gateway.history.JobStatus;
import ai.sxwl.gateway.history.Submission;
import ai.sxwl.gateway.publish.CloudEvents;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Turns each job change into deliveries, in the change's own transaction (the delivery rows are an outbox too): the
 * CloudEvent to every enabled subscription of the tenant that wants it, and, when the job succeeded or failed or its
 * model URL arrived later, the SXWL-shaped body to the job's own callback URL from the submit proxy.
 */
@ApplicationScoped
public class DeliveryFanOut {

    private final CloudEvents cloudEvents;
    private final ObjectMapper mapper;
    private final EnabledSubscriptions enabled;

    DeliveryFanOut(CloudEvents cloudEvents, ObjectMapper mapper, EnabledSubscriptions enabled) {
        this.cloudEvents = cloudEvents;
        this.mapper = mapper;
        this.enabled = enabled;
    }

    void onChange(@Observes JobChanged change) {
        Instant now = Instant.now();
        String cloudEvent = null;
        for (Subscription subscription : enabled.of(change.tenant())) {
            if (subscription.wants(change.type(), change.jobId())) {
                cloudEvent = cloudEvent != null ? cloudEvent : cloudEvents.toJson(change);
                queue(change, subscription.id, subscription.url, cloudEvent, messageId(change, subscription.id), now);
            }
        }
        if (forwardedToJobTarget(change)) {
            String target = callbackTarget(change);
            if (target != null) {
                queue(change, null, target, sxwlBody(change), messageId(change, Delivery.JOB_TARGET), now);
            }
        }
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

    private static void queue(JobChanged change, String subscriptionId, String url, String body, String messageId,
                              Instant now) {
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
        delivery.persist();
    }

    /** The submit proxy's callbackUrl of the job, if it came through the proxy. */
    private static String callbackTarget(JobChanged change) {
        Job job = Job.findById(change.jobId()); // the changed job, already in this transaction: no query
        Submission submission = job.submissionId == null ? null : Submission.findById(job.submissionId);
        return submission == null ? null : submission.callbackTarget;
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
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    (CloudEvents.eventId(change) + "|" + targetKey).getBytes(StandardCharsets.UTF_8));
            return "msg_" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
