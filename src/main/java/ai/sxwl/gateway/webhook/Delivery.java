package ai.sxwl.gateway.webhook;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;

import java.time.Instant;

/** One message to one target, with its state; every attempt is a {@link DeliveryAttempt}. */
@Entity
@Table(name = "webhook_delivery")
public class Delivery extends PanacheEntityBase {

    /** The target key of a job's own callback URL (subscriptions use their id). */
    static final String JOB_TARGET = "job";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "message_id")
    public String messageId;

    public String tenant;

    @Column(name = "subscription_id")
    public String subscriptionId;

    @Column(name = "target_key")
    public String targetKey;

    public String url;

    @Column(name = "job_id")
    public String jobId;

    public long seq;

    @Column(name = "event_id")
    public String eventId;

    @Column(name = "event_type")
    public String eventType;

    public String body;

    /** The W3C trace context of the change, sent as the traceparent header; null when the change had none. */
    public String traceparent;

    public DeliveryState state;

    /** Failed attempts since it was last (re)queued: the position in the retry schedule. */
    public int attempts;

    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;

    @Column(name = "last_status")
    public Integer lastStatus;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    static Delivery lock(long id) {
        return getEntityManager().find(Delivery.class, id, LockModeType.PESSIMISTIC_WRITE);
    }

    /** Queue it again for an attempt now, with a fresh retry schedule and the same webhook-id. */
    void requeue(Instant now) {
        state = DeliveryState.PENDING;
        attempts = 0;
        nextAttemptAt = now;
        updatedAt = now;
    }
}
