package ai.sxwl.gateway.webhook;

import ai.sxwl.gateway.eventfilter.FilterCache;
import ai.sxwl.gateway.eventfilter.FilteredEvent;
import ai.sxwl.gateway.publish.CloudEvents;
import ai.sxwl.gateway.publish.OperationalEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

import java.util.List;

/**
 * An operational event's deliveries, in the transaction that recorded it: to each enabled subscription of the same
 * tenant that lists its type in eventTypes (and whose filters let it through), never to the subscription it is about.
 * A delivery's job_id holds that subscription's id, and its seq the event's time in milliseconds, so one
 * subscription's operational events reach each target in order.
 */
@ApplicationScoped
public class OperationalDeliveries {

    private final CloudEvents cloudEvents;
    private final FilterCache filterCache;
    private final DeliveryDispatcher dispatcher;

    OperationalDeliveries(CloudEvents cloudEvents, FilterCache filterCache, DeliveryDispatcher dispatcher) {
        this.cloudEvents = cloudEvents;
        this.filterCache = filterCache;
        this.dispatcher = dispatcher;
    }

    void onOperation(@Observes OperationalEvent event) {
        FilteredEvent filtered = cloudEvents.filterView(event);
        List<Subscription> asking = Subscription.<Subscription>list("tenant = ?1 and enabled = true and id <> ?2",
                        event.tenant(), event.subscriptionId()).stream()
                .filter(subscription -> subscription.eventTypes != null
                        && subscription.eventTypeSet().contains(event.type().wire())
                        && filterCache.of(subscription.filters).matches(filtered))
                .toList();
        String body = asking.isEmpty() ? null : cloudEvents.toJson(event);
        for (Subscription subscription : asking) {
            Delivery delivery = new Delivery();
            delivery.messageId = DeliveryFanOut.messageId(event.id(), subscription.id);
            delivery.tenant = event.tenant();
            delivery.subscriptionId = subscription.id;
            delivery.targetKey = subscription.id;
            delivery.url = subscription.url;
            delivery.jobId = event.subscriptionId();
            delivery.seq = event.occurredAt().toEpochMilli();
            delivery.eventId = event.id();
            delivery.eventType = event.type().wire();
            delivery.body = body;
            delivery.state = DeliveryState.PENDING;
            delivery.nextAttemptAt = event.occurredAt();
            delivery.createdAt = event.occurredAt();
            delivery.updatedAt = event.occurredAt();
            delivery.persist();
        }
    }

    void onCommitted(@Observes(during = TransactionPhase.AFTER_SUCCESS) OperationalEvent event) {
        dispatcher.wakeUp();
    }
}
