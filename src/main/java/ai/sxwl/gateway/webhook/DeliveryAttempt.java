package ai.sxwl.gateway.webhook;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One attempt of a delivery: when, what came back, how long it took. */
@Entity
@Table(name = "delivery_attempt")
public class DeliveryAttempt extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "delivery_id")
    public long deliveryId;

    @Column(name = "attempted_at")
    public Instant attemptedAt;

    /** Null when no answer came (timeout, refused connection, refused address). */
    @Column(name = "status_code")
    public Integer statusCode;

    @Column(name = "latency_ms")
    public int latencyMs;

    public String error;

    @Column(name = "response_excerpt")
    public String responseExcerpt;
}
