package ai.sxwl.gateway.publish;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Each operational event as an outbox row for the operations topic, in the transaction that recorded it. */
@ApplicationScoped
public class OperationalOutbox {

    private final CloudEvents cloudEvents;
    private final String topic;

    OperationalOutbox(CloudEvents cloudEvents, KafkaRoutingConfig config) {
        this.cloudEvents = cloudEvents;
        this.topic = config.operationsTopic();
    }

    void onOperation(@Observes OperationalEvent event) {
        OutboxRecord record = new OutboxRecord();
        record.topic = topic;
        record.tenant = event.tenant();
        // Keyed by the subscription: its events stay in order on one partition.
        record.recordKey = event.subscriptionId();
        record.eventId = event.id();
        record.payload = cloudEvents.toJson(event);
        record.createdAt = event.occurredAt();
        record.persist();
    }
}
