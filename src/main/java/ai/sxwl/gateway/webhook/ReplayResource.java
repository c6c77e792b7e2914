package ai.sxwl.gateway.webhook;

import ai.sxwl.gateway.eventfilter.FilterCache;
import ai.sxwl.gateway.history.Job;
import ai.sxwl.gateway.history.JobChanged;
import ai.sxwl.gateway.history.JobEvent;
import ai.sxwl.gateway.problem.PageCursor;
import ai.sxwl.gateway.problem.ProblemException;
import ai.sxwl.gateway.publish.CloudEvents;
import ai.sxwl.gateway.tenant.CurrentTenant;
import io.quarkus.panache.common.Parameters;
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
import java.util.stream.Collectors;

/**
 * Sending history again to a subscription: one job's whole history (in order), every change in a time window, or
 * every dead delivery since a time. Each replayed change is a new message (a new webhook-id) with the same
 * CloudEvent, so receivers can tell a replay from a retry and still dedupe by the event id. Each call counts against
 * the tenant's {@link ReplayAllowance}.
 */
@Path("/api/subscriptions/{id}")
@Tag(name = "webhooks")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class ReplayResource {

    /** Changes or dead deliveries queued by one call; a longer replay is continued with the answer's cursor. */
    static final int BATCH = 500;

    private final CurrentTenant tenant;
    private final CloudEvents cloudEvents;
    private final DeliveryDispatcher dispatcher;
    private final ReplayAllowance allowance;
    private final FilterCache filterCache;

    ReplayResource(CurrentTenant tenant, CloudEvents cloudEvents, DeliveryDispatcher dispatcher,
                   ReplayAllowance allowance, FilterCache filterCache) {
        this.tenant = tenant;
        this.cloudEvents = cloudEvents;
        this.dispatcher = dispatcher;
        this.allowance = allowance;
        this.filterCache = filterCache;
    }

    /**
     * Either {@code jobId}, or {@code since} (and optionally {@code until}); {@code cursor} continues a replay that
     * an earlier answer said has more.
     */
    public record ReplayRequest(String jobId, Instant since, Instant until, String cursor) {
    }

    public record SinceRequest(Instant since, String cursor) {
    }

    /** How many were queued by this call, and where the next call goes on (null when nothing is left). */
    public record Queued(int queued, String nextCursor) {
    }

    @POST
    @Path("/replay")
    @Transactional
    @Operation(summary = "Replay one job's history, or a time window of changes, to this subscription, in order;"
            + " at most 500 changes a call, continued with nextCursor")
    public Queued replay(@RestPath String id, ReplayRequest request) {
        Subscription subscription = Subscription.ownedBy(id, tenant.name());
        if (request == null || (request.jobId() == null) == (request.since() == null)) {
            throw ProblemException.of(422, "Unprocessable Content", "Give either jobId or since (and until).");
        }
        allowance.take(subscription.tenant);
        // Keyset on (occurred_at, id): a job's changes keep their order, and every batch costs the same.
        StringBuilder where = new StringBuilder("j.tenant = :tenant");
        Parameters params = Parameters.with("tenant", subscription.tenant);
        if (request.jobId() != null) {
            where.append(" and e.jobId = :job");
            params.and("job", Job.ownedBy(request.jobId(), subscription.tenant).jobId);
        } else {
            where.append(" and e.occurredAt >= :since and e.occurredAt < :until");
            params.and("since", request.since()).and("until", request.until() == null ? Instant.now() : request.until());
        }
        if (request.cursor() != null) {
            PageCursor.Position after = PageCursor.decode(request.cursor());
            where.append(" and (e.occurredAt > :cAt or (e.occurredAt = :cAt and e.id > :cId))");
            params.and("cAt", after.at()).and("cId", after.keyAsId());
        }
        List<JobEvent> events = JobEvent.<JobEvent>find("select e from JobEvent e, Job j where j.jobId = e.jobId and "
                + where + " order by e.occurredAt, e.id", params).page(0, BATCH).list();
        Map<String, Job> jobs = Job.<Job>list("jobId in ?1", events.stream().map(e -> e.jobId).distinct().toList())
                .stream().collect(Collectors.toMap(j -> j.jobId, j -> j));
        Instant now = Instant.now();
        int queued = 0;
        for (JobEvent event : events) {
            JobChanged change = JobChanged.of(jobs.get(event.jobId), event);
            if (!subscription.wants(change, cloudEvents.filterView(change), filterCache)) {
                continue;
            }
            Delivery delivery = new Delivery();
            delivery.tenant = subscription.tenant;
            delivery.subscriptionId = subscription.id;
            delivery.targetKey = subscription.id;
            delivery.url = subscription.url;
            delivery.jobId = event.jobId;
            delivery.seq = event.seq;
            delivery.eventId = CloudEvents.eventId(change);
            delivery.eventType = CloudEvents.TYPE_PREFIX + event.type;
            delivery.body = cloudEvents.toJson(change);
            delivery.traceparent = change.traceparent();
            DeliveryFanOut.replay(delivery, now);
            queued++;
        }
        dispatcher.wakeUp();
        JobEvent last = events.size() == BATCH ? events.get(BATCH - 1) : null;
        return new Queued(queued, last == null ? null : new PageCursor.Position(last.occurredAt, last.id.toString()).encode());
    }

    @POST
    @Path("/redeliver-dead")
    @Transactional
    @Operation(summary = "Queue again the dead deliveries of this subscription created since the given time, oldest"
            + " first; at most 500 a call, continued with nextCursor")
    public Queued redeliverDead(@RestPath String id, SinceRequest request) {
        Subscription subscription = Subscription.ownedBy(id, tenant.name());
        if (request == null || request.since() == null) {
            throw ProblemException.of(422, "Unprocessable Content", "since is required.");
        }
        allowance.take(subscription.tenant);
        long after = request.cursor() == null ? 0 : PageCursor.id(request.cursor());
        List<Delivery> dead = Delivery.<Delivery>find("subscriptionId = ?1 and state = ?2 and createdAt >= ?3"
                        + " and id > ?4", Sort.ascending("id"), subscription.id, DeliveryState.DEAD, request.since(),
                after).page(0, BATCH).list();
        Instant now = Instant.now();
        dead.forEach(delivery -> delivery.requeue(now));
        dispatcher.wakeUp();
        return new Queued(dead.size(), dead.size() == BATCH ? Long.toString(dead.get(BATCH - 1).id) : null);
    }
}
