package ai.sxwl.gateway.publish;

import ai.sxwl.gateway.history.JobChanged;
import ai.sxwl.gateway.history.JobLedger;
import ai.sxwl.gateway.history.JobStatus;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Set;

/**
 * Writes a job change as a CloudEvents 1.0 JSON object in structured mode (SPEC section 4). The same change always
 * gives the same {@code id}, so a record sent again after a crash can be recognised.
 */
@ApplicationScoped
public class CloudEvents {

    public static final String CONTENT_TYPE = "application/cloudevents+json";
    public static final String TYPE_PREFIX = "ai.sxwl.job.";
    static final String SOURCE = "/sxwl-gateway";
    /** Every event type, by its short name ({@code succeeded} for {@code ai.sxwl.job.succeeded}). */
    public static final Set<String> SHORT_TYPES = Set.of("submitted", "running", "succeeded", "failed", "cancelled",
            "lost", JobLedger.STALLED, JobLedger.MODEL_AVAILABLE);

    /** {@code data.labels} of a job without labels: an empty object, so consumers need no null check. */
    private static final String NO_LABELS = "{}";

    private final ObjectWriter writer;

    CloudEvents(ObjectMapper mapper) {
        this.writer = mapper.writerFor(Envelope.class);
    }

    /** {@code ai.sxwl.job.succeeded} or {@code succeeded} → {@code succeeded}. */
    public static String shortType(String type) {
        return type != null && type.startsWith(TYPE_PREFIX) ? type.substring(TYPE_PREFIX.length()) : type;
    }

    /**
     * {@code <job>:<type>} for a change a job goes through once; {@code <job>:model_available:<seq>} for a model URL,
     * which can be learned more than once.
     */
    public static String eventId(JobChanged change) {
        return change.jobId() + ":" + change.type()
                + (JobLedger.MODEL_AVAILABLE.equals(change.type()) ? ":" + change.seq() : "");
    }

    /** The change's CloudEvent as JSON. */
    public String toJson(JobChanged change) {
        Data data = new Data(change.jobId(), change.status().wire(), wire(change.previousStatus()),
                change.upstreamStatus() == null ? null : change.upstreamStatus().wire(), change.modelUrl(),
                timestamp(change.modelUrlExpiresAt()), change.detectedBy().wire(), change.tenant(),
                change.submissionJson(), change.labelsJson() == null ? NO_LABELS : change.labelsJson());
        Envelope envelope = new Envelope("1.0", eventId(change), SOURCE, TYPE_PREFIX + change.type(), change.jobId(),
                timestamp(change.occurredAt()), "application/json", change.jobId(), sequence(change.seq()),
                change.traceparent(), data);
        try {
            return writer.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the CloudEvent of " + eventId(change), e);
        }
    }

    /** The change number zero-padded to 20 digits, so that it sorts as text too. */
    static String sequence(long seq) {
        return String.format("%020d", seq);
    }

    private static String wire(JobStatus status) {
        return status == null ? null : status.wire();
    }

    private static String timestamp(Instant instant) {
        return instant == null ? null : DateTimeFormatter.ISO_INSTANT.format(instant);
    }

    @JsonPropertyOrder({"specversion", "id", "source", "type", "subject", "time", "datacontenttype", "partitionkey",
            "sequence", "traceparent", "data"})
    record Envelope(String specversion, String id, String source, String type, String subject, String time,
                    String datacontenttype, String partitionkey, String sequence,
                    @JsonInclude(JsonInclude.Include.NON_NULL) String traceparent, Data data) {
    }

    @JsonPropertyOrder({"jobId", "status", "previousStatus", "upstreamStatus", "modelUrl", "modelUrlExpiresAt",
            "detectedBy", "tenant", "submission", "labels"})
    record Data(String jobId, String status, String previousStatus, String upstreamStatus, String modelUrl,
                String modelUrlExpiresAt, String detectedBy, String tenant, @JsonRawValue String submission,
                @JsonRawValue String labels) {
    }
}
