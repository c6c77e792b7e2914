package ai.sxwl.gateway.publish;

import ai.sxwl.gateway.eventfilter.FilterPaths;
import ai.sxwl.gateway.eventfilter.FilteredEvent;
import ai.sxwl.gateway.history.JobChanged;
import ai.sxwl.gateway.history.JobLabels;
import ai.sxwl.gateway.history.JobLedger;
import ai.sxwl.gateway.history.JobStatus;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Map;
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
    private final ObjectWriter operationWriter;
    private final ObjectMapper mapper;

    CloudEvents(ObjectMapper mapper) {
        this.writer = mapper.writerFor(Envelope.class);
        this.operationWriter = mapper.writerFor(OperationEnvelope.class);
        this.mapper = mapper;
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

    /** An operational event as a CloudEvent (schema/operational-event.schema.json); its subject is the subscription. */
    public String toJson(OperationalEvent event) {
        OperationEnvelope envelope = new OperationEnvelope("1.0", event.id(), SOURCE, event.type().wire(),
                event.subscriptionId(), timestamp(event.occurredAt()), "application/json", event.subscriptionId(),
                new OperationData(event.tenant(), event.subscriptionId(), event.reason(), event.jobId(),
                        event.deliveredEvent(), event.messageId()));
        try {
            return operationWriter.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the CloudEvent of " + event.id(), e);
        }
    }

    /** What filters read of an operational event: its attributes; it has none of the job events' data paths. */
    public FilteredEvent filterView(OperationalEvent event) {
        return name -> switch (name) {
            case "specversion" -> "1.0";
            case "id" -> event.id();
            case "source" -> SOURCE;
            case "type" -> event.type().wire();
            case "subject", "partitionkey" -> event.subscriptionId();
            case "time" -> timestamp(event.occurredAt());
            case "datacontenttype" -> "application/json";
            default -> null;
        };
    }

    /**
     * What filters read of the change's CloudEvent ({@link FilterPaths}), the same values {@link #toJson} writes, read
     * from the change itself: no JSON is written for an event no filter lets through, and the submission and labels
     * are parsed only if a filter asks for them.
     */
    public FilteredEvent filterView(JobChanged change) {
        return new FilterView(change);
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

    private final class FilterView implements FilteredEvent {

        private final JobChanged change;
        private JsonNode submission;
        private Map<String, String> labels;

        FilterView(JobChanged change) {
            this.change = change;
        }

        @Override
        public String value(String name) {
            return switch (name) {
                case "specversion" -> "1.0";
                case "id" -> eventId(change);
                case "source" -> SOURCE;
                case "type" -> TYPE_PREFIX + change.type();
                case "subject", "partitionkey" -> change.jobId();
                case "time" -> timestamp(change.occurredAt());
                case "datacontenttype" -> "application/json";
                case "sequence" -> sequence(change.seq());
                case "traceparent" -> change.traceparent();
                case "status" -> change.status().wire();
                case "detectedBy" -> change.detectedBy().wire();
                default -> name.startsWith(FilterPaths.LABELS)
                        ? labels().get(name.substring(FilterPaths.LABELS.length()))
                        : submitted(name.substring(name.indexOf('.') + 1));
            };
        }

        /** A field of the submitted spec as a string (gpuNumber 8 is "8"); null when absent or not a scalar. */
        private String submitted(String field) {
            if (submission == null) {
                submission = readSubmission();
            }
            JsonNode value = submission.path(field);
            return value.isValueNode() && !value.isNull() ? value.asText() : null;
        }

        private JsonNode readSubmission() {
            if (change.submissionJson() == null) {
                return mapper.missingNode();
            }
            try {
                return mapper.readTree(change.submissionJson());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("The stored submission of " + change.jobId() + " is not JSON", e);
            }
        }

        private Map<String, String> labels() {
            if (labels == null) {
                labels = JobLabels.parse(change.labelsJson());
            }
            return labels;
        }
    }

    @JsonPropertyOrder({"specversion", "id", "source", "type", "subject", "time", "datacontenttype", "partitionkey",
            "sequence", "traceparent", "data"})
    record Envelope(String specversion, String id, String source, String type, String subject, String time,
                    String datacontenttype, String partitionkey, String sequence,
                    @JsonInclude(JsonInclude.Include.NON_NULL) String traceparent, Data data) {
    }

    @JsonPropertyOrder({"specversion", "id", "source", "type", "subject", "time", "datacontenttype", "partitionkey",
            "data"})
    record OperationEnvelope(String specversion, String id, String source, String type, String subject, String time,
                             String datacontenttype, String partitionkey, OperationData data) {
    }

    /** Absent members are left out: a disabling has no job, a dead delivery no reason. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"tenant", "subscriptionId", "reason", "jobId", "eventId", "webhookId"})
    record OperationData(String tenant, String subscriptionId, String reason, String jobId,
                         String eventId, String webhookId) {
    }

    @JsonPropertyOrder({"jobId", "status", "previousStatus", "upstreamStatus", "modelUrl", "modelUrlExpiresAt",
            "detectedBy", "tenant", "submission", "labels"})
    record Data(String jobId, String status, String previousStatus, String upstreamStatus, String modelUrl,
                String modelUrlExpiresAt, String detectedBy, String tenant, @JsonRawValue String submission,
                @JsonRawValue String labels) {
    }
}
