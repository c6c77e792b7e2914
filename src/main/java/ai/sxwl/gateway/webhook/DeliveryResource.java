package ai.sxwl.gateway.webhook;

import ai.sxwl.gateway.problem.PageCursor;
import ai.sxwl.gateway.publish.OperationalEvent;
import ai.sxwl.gateway.problem.ProblemException;
import ai.sxwl.gateway.tenant.CurrentTenant;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The tenant's deliveries with their attempts, and redelivery. */
@Path("/api/deliveries")
@Tag(name = "webhooks")
@Produces(MediaType.APPLICATION_JSON)
public class DeliveryResource {

    private final CurrentTenant tenant;
    private final DeliveryDispatcher dispatcher;

    DeliveryResource(CurrentTenant tenant, DeliveryDispatcher dispatcher) {
        this.tenant = tenant;
        this.dispatcher = dispatcher;
    }

    public record AttemptView(Instant attemptedAt, Integer statusCode, int latencyMs, String error,
                              String responseExcerpt) {
    }

    public record DeliveryView(long id, String messageId, String subscriptionId, String target, String url,
                               String jobId, long sequence, String eventId, String eventType, String state,
                               Instant nextAttemptAt, Integer lastStatus, Instant createdAt,
                               List<AttemptView> attempts) {
        static DeliveryView of(Delivery d, List<AttemptView> attempts) {
            return new DeliveryView(d.id, d.messageId, d.subscriptionId,
                    d.subscriptionId == null ? "job-callback" : "subscription", d.url, d.jobId, d.seq, d.eventId,
                    d.eventType, d.state.wire(), d.nextAttemptAt, d.lastStatus, d.createdAt, attempts);
        }

        /** False for an operational event, whose "job id" is the subscription it is about (the console links jobs). */
        public boolean aboutAJob() {
            return OperationalEvent.Type.fromWire(eventType).isEmpty();
        }
    }

    public record DeliveryPage(List<DeliveryView> items, String nextCursor) {
    }

    @GET
    @Operation(summary = "Deliveries, newest first; filters: state (pending|delivered|failed|dead), subscriptionId,"
            + " jobId; cursor paging")
    public DeliveryPage list(@RestQuery String state, @RestQuery String subscriptionId, @RestQuery String jobId,
                             @RestQuery String subscription, @RestQuery String job,
                             @RestQuery String cursor, @RestQuery Integer limit) {
        // "subscription" and "job" are accepted as short names of the two filters.
        subscriptionId = subscriptionId != null ? subscriptionId : subscription;
        jobId = jobId != null ? jobId : job;
        int size = limit == null ? 50 : Math.max(1, Math.min(limit, 200));
        StringBuilder where = new StringBuilder("tenant = :tenant");
        Parameters params = Parameters.with("tenant", tenant.name());
        if (state != null) {
            where.append(" and state = :state");
            params.and("state", parseState(state));
        }
        if (subscriptionId != null) {
            where.append(" and subscriptionId = :subscription");
            params.and("subscription", subscriptionId);
        }
        if (jobId != null) {
            where.append(" and jobId = :job");
            params.and("job", jobId);
        }
        if (cursor != null) {
            where.append(" and id < :cursor");
            params.and("cursor", PageCursor.id(cursor));
        }
        List<Delivery> page = Delivery.<Delivery>find(where.toString(), Sort.descending("id"), params)
                .page(0, size + 1).list();
        String next = page.size() > size ? Long.toString(page.get(size - 1).id) : null;
        return new DeliveryPage(withAttempts(page.subList(0, Math.min(size, page.size()))), next);
    }

    @GET
    @Path("/{id}")
    public DeliveryView get(@RestPath long id) {
        return withAttempts(List.of(own(id))).get(0);
    }

    /** The deliveries as views with their attempts: one query for the attempts of the whole page. */
    private static List<DeliveryView> withAttempts(List<Delivery> deliveries) {
        if (deliveries.isEmpty()) {
            return List.of();
        }
        Map<Long, List<AttemptView>> attempts = DeliveryAttempt.<DeliveryAttempt>list("deliveryId in ?1",
                        Sort.ascending("id"), deliveries.stream().map(d -> d.id).toList()).stream()
                .collect(Collectors.groupingBy(a -> a.deliveryId, Collectors.mapping(a -> new AttemptView(
                        a.attemptedAt, a.statusCode, a.latencyMs, a.error, a.responseExcerpt), Collectors.toList())));
        return deliveries.stream().map(d -> DeliveryView.of(d, attempts.getOrDefault(d.id, List.of()))).toList();
    }

    @POST
    @Path("/{id}/redeliver")
    @Transactional
    @Operation(summary = "Send again (also a delivered one), with the same webhook-id and a fresh retry schedule")
    public DeliveryView redeliver(@RestPath long id) {
        Delivery delivery = own(id);
        delivery.requeue(Instant.now());
        dispatcher.wakeUp();
        return withAttempts(List.of(delivery)).get(0);
    }

    private Delivery own(long id) {
        Delivery delivery = Delivery.findById(id);
        if (delivery == null || !delivery.tenant.equals(tenant.name())) {
            throw ProblemException.of(404, "Not Found", "No delivery " + id + " of this tenant.");
        }
        return delivery;
    }

    private static DeliveryState parseState(String state) {
        try {
            return DeliveryState.fromWire(state);
        } catch (IllegalArgumentException e) {
            throw ProblemException.of(400, "Bad Request", "state must be one of pending, delivered, failed, dead.");
        }
    }
}
