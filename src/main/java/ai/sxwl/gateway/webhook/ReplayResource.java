package ai.sxwl.gateway.webhook;

import ai.sxwl.gateway.history.Job;
import ai.sxwl.gateway.history.JobChanged;
import ai.sxwl.gateway.history.JobEvent;
import ai.sxwl.gateway.problem.ProblemException;
import ai.sxwl.gateway.publish.CloudEvents;
import ai.sxwl.gateway.tenant.CurrentTenant;
import io.quarkus.panache.common.Sort;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Sending history again to a subscription: one job's whole history (in order), every change in a time window, or
 * every dead delivery since a time. Each replayed change is a new message (a new webhook-id) with the same
 * CloudEvent, so receivers can tell a replay from a retry and still dedupe by the event id.
 */
@Path("/api/subscriptions/{id}")
@Tag(name = "webhooks")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class ReplayResource {

    static final int MAX_REPLAY = 10_000;

    private final CurrentTenant tenant;
    private final CloudEvents cloudEvents;
    private final DeliveryDispatcher dispatcher;

    ReplayResource(CurrentTenant tenant, CloudEvents cloudEvents, DeliveryDispatcher dispatcher) {
        this.tenant = tenant;
        this.cloudEvents = cloudEvents;
        this.dispatcher = dispatcher;
    }

    /** Either {@code jobId}, or {@code since} (and optionally {@code until}). */
    public record ReplayRequest(String jobId, Instant since, Instant until) {
    }

    public record SinceRequest(Instant since) {
    }

    @POST
    @Path("/replay")
    @Transactional
    @Operation(summary = "Replay one job's history, or a time window of changes, to this subscription, in order")
    public Map<String, Integer> replay(@RestPath String id, ReplayRequest request) {
        Subscription subscription = Subscription.ownedBy(id, tenant.name());
        if (request == null || (request.jobId() == null) == (request.since() == null)) {
            throw ProblemException.of(422, "Unprocessable Content", "Give either jobId or since (and until).");
        }
        List<JobEvent> events;
        if (request.jobId() != null) {
            Job job = Job.ownedBy(request.jobId(), subscription.tenant);
            events = JobEvent.list("jobId", Sort.ascending("seq"), job.jobId);
        } else {
            Instant until = request.until() == null ? Instant.now() : request.until();
            events = JobEvent.find("occurredAt >= ?1 and occurredAt < ?2 and jobId in (select j.jobId from Job j"
                            + " where j.tenant = ?3)", Sort.ascending("occurredAt", "seq"), request.since(), until,
                    subscription.tenant).page(0, MAX_REPLAY).list();
        }
        Instant now = Instant.now();
        int queued = 0;
        for (JobEvent event : events) {
            if (!subscription.wants(event.type, event.jobId)) {
                continue;
            }
            Job job = Job.findById(event.jobId);
            Delivery delivery = new Delivery();
            delivery.tenant = subscription.tenant;
            delivery.subscriptionId = subscription.id;
            delivery.targetKey = subscription.id;
            delivery.url = subscription.url;
            delivery.jobId = event.jobId;
            delivery.seq = event.seq;
            JobChanged change = JobChanged.of(job, event);
            delivery.eventId = CloudEvents.eventId(change);
            delivery.eventType = CloudEvents.TYPE_PREFIX + event.type;
            delivery.body = cloudEvents.toJson(change);
            DeliveryFanOut.replay(delivery, now);
            queued++;
        }
        dispatcher.wakeUp();
        return Map.of("queued", queued);
    }

    @POST
    @Path("/redeliver-dead")
    @Transactional
    @Operation(summary = "Queue again every dead delivery of this subscription created since the given time")
    public Map<String, Integer> redeliverDead(@RestPath String id, SinceRequest request) {
        Subscription subscription = Subscription.ownedBy(id, tenant.name());
        if (request == null || request.since() == null) {
            throw ProblemException.of(422, "Unprocessable Content", "since is required.");
        }
        List<Delivery> dead = Delivery.list("subscriptionId = ?1 and state = ?2 and createdAt >= ?3",
                Sort.ascending("id"), subscription.id, DeliveryState.DEAD, request.since());
        Instant now = Instant.now();
        dead.forEach(delivery -> delivery.requeue(now));
        dispatcher.wakeUp();
        return Map.of("queued", dead.size());
    }
}
