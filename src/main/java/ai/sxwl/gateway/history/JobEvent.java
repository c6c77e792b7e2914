package ai.sxwl.gateway.history;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One change in a job's history. (job_id, seq) and (job_id, type) are unique. */
@Entity
@Table(name = "job_event")
public class JobEvent extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "job_id")
    public String jobId;

    public long seq;

    public String type;

    /**
     * The type for a change a job goes through at most once (a state, stalled), null for one that may repeat
     * (model_available): unique per job, so the database itself refuses a second "succeeded".
     */
    @Column(name = "state_key")
    public String stateKey;

    public JobStatus status;

    @Column(name = "previous_status")
    public JobStatus previousStatus;

    @Column(name = "upstream_status")
    public String upstreamStatus;

    @Column(name = "detected_by")
    public String detectedBy;

    @Column(name = "model_url")
    public String modelUrl;

    @Column(name = "model_url_expires_at")
    public Instant modelUrlExpiresAt;

    @Column(name = "occurred_at")
    public Instant occurredAt;

    /** The job's tenant, so that a tenant's events feed is one index range. */
    public String tenant;

    /** Its place in the events feed, given after it committed ({@code FeedSequencer}); null until then. */
    @Column(name = "feed_position", insertable = false, updatable = false)
    public Long feedPosition;

    /** The job's labels when the change happened (what its event carried), as JSON; null for none. */
    public String labels;

    /** The W3C trace context of the request (or poll) that caused the change, or null. */
    public String traceparent;
}
