package ai.sxwl.gateway.submit;

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

    @Column(name = "created_at")
    public Instant createdAt;

    /** The submission with its row locked until the transaction ends, or null. */
    public static Submission lock(String id) {
        return getEntityManager().find(Submission.class, id, LockModeType.PESSIMISTIC_WRITE);
    }
}
