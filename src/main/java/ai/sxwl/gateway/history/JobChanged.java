package ai.sxwl.gateway.history;

import java.time.Instant;
import java.util.Locale;

/**
 * One state change of a job, fired synchronously inside the transaction that stores it, so that whatever observes
 * it (the Kafka outbox, webhook deliveries) commits or rolls back together with the change.
 *
 * @param type            the event type's short name: a state, or {@code stalled}
 * @param previousStatus  null for the first change of a job
 * @param submissionJson  the job's submitted spec with secrets redacted, as JSON, or null when not submitted here
 * @param labelsJson      the job's labels at the change ({@link JobLabels}), as JSON, or null for none
 * @param traceparent     the W3C trace context of the request or poll that caused the change, or null
 */
public record JobChanged(String jobId, String tenant, long seq, String type, JobStatus status,
                         JobStatus previousStatus, UpstreamStatus upstreamStatus, String modelUrl,
                         Instant modelUrlExpiresAt, DetectedBy detectedBy, Instant occurredAt,
                         String submissionJson, String labelsJson, String traceparent) {

    /** The change as it was announced, rebuilt from the history (for replays). */
    public static JobChanged of(Job job, JobEvent event) {
        return new JobChanged(job.jobId, job.tenant, event.seq, event.type, event.status, event.previousStatus,
                event.upstreamStatus == null ? null : UpstreamStatus.fromWire(event.upstreamStatus).orElse(null),
                event.modelUrl, event.modelUrlExpiresAt, DetectedBy.valueOf(event.detectedBy.toUpperCase(Locale.ROOT)), event.occurredAt, job.submission,
                event.labels, event.traceparent);
    }
}
