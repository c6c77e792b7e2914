package ai.sxwl.gateway.publish;

import ai.sxwl.gateway.history.JobChanged;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Instant;

/** Turns each job change into outbox rows, one per topic, inside the change's own transaction. */
@ApplicationScoped
public class OutboxWriter {

    private final CloudEvents cloudEvents;
    private final TopicRouter router;

    OutboxWriter(CloudEvents cloudEvents, TopicRouter router) {
        this.cloudEvents = cloudEvents;
        this.router = router;
    }

    void onChange(@Observes JobChanged change) {
        String payload = cloudEvents.toJson(change);
        String eventId = CloudEvents.eventId(change);
        Instant now = Instant.now();
        for (String topic : router.topicsFor(change)) {
            OutboxRecord record = new OutboxRecord();
            record.topic = topic;
            record.tenant = change.tenant();
            record.recordKey = change.jobId();
            record.eventId = eventId;
            record.payload = payload;
            record.createdAt = now;
            record.persist();
        }
    }
}
