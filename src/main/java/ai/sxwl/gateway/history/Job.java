package ai.sxwl.gateway.history;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;

import java.time.Instant;

/** A job's current state. Changed only through {@link JobLedger}, under the row lock. */
@Entity
@Table(name = "job")
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

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    /** The job with its row locked until the transaction ends, or null. */
    public static Job lock(String jobId) {
        return getEntityManager().find(Job.class, jobId, LockModeType.PESSIMISTIC_WRITE);
    }
}
