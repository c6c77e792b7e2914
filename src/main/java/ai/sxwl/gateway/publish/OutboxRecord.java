package ai.sxwl.gateway.publish;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A Kafka record waiting to be published: the exact bytes to send, so a re-send is identical. */
@Entity
@Table(name = "kafka_outbox")
public class OutboxRecord extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String topic;

    /** The job's tenant: whose dead letter it becomes if the broker refuses it. */
    public String tenant;

    @Column(name = "record_key")
    public String recordKey;

    @Column(name = "event_id")
    public String eventId;

    public String payload;

    @Column(name = "created_at")
    public Instant createdAt;
}
