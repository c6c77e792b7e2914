package ai.sxwl.gateway.history;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;

import java.time.Instant;

/** One job submitted through the proxy. Its id is what the callback token of the job's callback URL signs. */
@Entity
@Table(name = "submission")
public class Submission extends PanacheEntityBase {

    @Id
    public String id;

    public String tenant;

    /** Upstream's job id; null until upstream answered (or its callback told us). */
    @Column(name = "job_id")
    public String jobId;

    /** The job spec, secrets redacted, as JSON. */
    public String spec;

    /** The caller's own callbackUrl: the job's downstream webhook. */
    @Column(name = "callback_target")
    public String callbackTarget;

    @Column(name = "idempotency_key")
    public String idempotencyKey;

    /** SHA-256 of the normalized request, to refuse a reused Idempotency-Key with another body. */
    @Column(name = "request_hash")
    public String requestHash;

    /** The answer given (status and body), replayed for the same Idempotency-Key. */
    @Column(name = "response_status")
    public Integer responseStatus;

    @Column(name = "response_body")
    public String responseBody;

    @Column(name = "created_at")
    public Instant createdAt;

    /** The labels given with the submission ({@link JobLabels}), as JSON; null for none. */
    public String labels;

    /** The submission with its row locked until the transaction ends, or null. */
    public static Submission lock(String id) {
        return getEntityManager().find(Submission.class, id, LockModeType.PESSIMISTIC_WRITE);
    }
}
