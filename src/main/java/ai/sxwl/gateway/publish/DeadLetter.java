package ai.sxwl.gateway.publish;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * A Kafka record the broker refused for good (too large, invalid), set aside with the reason so that the records
 * behind it go on. Re-sending it moves it back to the outbox, as the same bytes with the same CloudEvent id.
 */
@Entity
@Table(name = "kafka_dead_letter")
public class DeadLetter extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String tenant;

    public String topic;

    @Column(name = "record_key")
    public String recordKey;

    @Column(name = "event_id")
    public String eventId;

    public String payload;

    public String reason;

    /** When the change was written to the outbox. */
    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "failed_at")
    public Instant failedAt;

    static DeadLetter of(OutboxRecord record, String reason, Instant at) {
        DeadLetter letter = new DeadLetter();
        letter.tenant = record.tenant;
        letter.topic = record.topic;
        letter.recordKey = record.recordKey;
        letter.eventId = record.eventId;
        letter.payload = record.payload;
        letter.reason = reason.length() <= 1024 ? reason : reason.substring(0, 1024);
        letter.createdAt = record.createdAt;
        letter.failedAt = at;
        return letter;
    }

    /** Back to the outbox, at its end. */
    OutboxRecord toOutbox(Instant at) {
        OutboxRecord record = new OutboxRecord();
        record.tenant = tenant;
        record.topic = topic;
        record.recordKey = recordKey;
        record.eventId = eventId;
        record.payload = payload;
        record.createdAt = at;
        return record;
    }
}
