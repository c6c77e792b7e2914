package ai.sxwl.gateway.history;

import ai.sxwl.gateway.problem.ProblemException;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;

import java.time.Instant;

/**
 * A job's current state. Changed only through {@link JobLedger}, under the row lock. Updates write only the columns
 * that changed (a state change touches a handful of the row's columns).
 */
@Entity
@Table(name = "job")
@DynamicUpdate
public class Job extends PanacheEntityBase {

    @Id
    @Column(name = "job_id")
    public String jobId;

    public String tenant;

    public JobStatus status;

    /** Number of the job's last change. */
    public long seq;

    @Column(name = "upstream_status")
    public String upstreamStatus;

    @Column(name = "model_url")
    public String modelUrl;

    @Column(name = "model_url_expires_at")
    public Instant modelUrlExpiresAt;

    @Column(name = "submission_id")
    public String submissionId;

    /** The submitted spec, secrets redacted, as JSON; null for jobs not submitted through the proxy. */
    public String submission;

    /** The job's labels ({@link JobLabels}) as canonical JSON, or null for none. */
    public String labels;

    /** What the history's {@code q} searches: the job id and the spec's name fields, lower-cased. */
    @Column(name = "search_text")
    public String searchText;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    /** When the reconciler asks upstream next; null once the job is terminal. */
    @Column(name = "next_poll_at")
    public Instant nextPollAt;

    /** Polls since the last news that found nothing new: the back-off exponent. */
    @Column(name = "quiet_polls")
    public int quietPolls;

    @Column(name = "failed_polls")
    public int failedPolls;

    /** Polls in a row that upstream answered "unknown job". */
    @Column(name = "not_found_polls")
    public int notFoundPolls;

    /**
     * Named only by an unauthenticated callback and not yet confirmed by upstream (status still null): polled only
     * with the budget that known jobs leave over.
     */
    public boolean unconfirmed;

    /** For timed jobs (stopType 1): submit time + stopTime. */
    @Column(name = "expected_end_at")
    public Instant expectedEndAt;

    /**
     * The tenant's job, or a 404 problem: another tenant's job is not found, exactly like one that does not exist
     * (ids do not leak). A job without a status yet (named only by an unconfirmed callback) is nobody's.
     */
    public static Job ownedBy(String jobId, String tenant) {
        Job job = find("jobId = ?1 and tenant = ?2", jobId, tenant).firstResult();
        if (job == null || job.status == null) {
            throw ProblemException.of(404, "Not Found", "No job " + jobId + " of this tenant.");
        }
        return job;
    }

    /** The job with its row locked until the transaction ends, or null. */
    public static Job lock(String jobId) {
        return getEntityManager().find(Job.class, jobId, LockModeType.PESSIMISTIC_WRITE);
    }
}
