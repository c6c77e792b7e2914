package ai.sxwl.gateway.history;

import java.time.Instant;

/**
 * One state change of a job, fired synchronously inside the transaction that stores it, so that whatever observes
 * it (the Kafka outbox, webhook deliveries) commits or rolls back together with the change.
 *
 * @param type            the event type's short name: a state, or {@code stalled}
 * @param previousStatus  null for the first change of a job
 * @param submissionJson  the job's submitted spec with secrets redacted, as JSON, or null when not submitted here
 */
public record JobChanged(String jobId, String tenant, long seq, String type, JobStatus status,
                         JobStatus previousStatus, UpstreamStatus upstreamStatus, String modelUrl,
                         Instant modelUrlExpiresAt, DetectedBy detectedBy, Instant occurredAt,
                         String submissionJson) {
}
