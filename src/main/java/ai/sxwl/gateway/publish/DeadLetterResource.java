package ai.sxwl.gateway.publish;

import ai.sxwl.gateway.problem.PageCursor;
import ai.sxwl.gateway.problem.ProblemException;
import ai.sxwl.gateway.tenant.CurrentTenant;
import io.quarkus.panache.common.Sort;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.time.Instant;
import java.util.List;

/** The tenant's Kafka dead letters: records the broker refused for good, with the reason, and re-sending them. */
@Path("/api/outbox/dead")
@Tag(name = "kafka", description = "Records the broker refused for good")
@SecurityRequirement(name = "apiKey")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {

    private final CurrentTenant tenant;
    private final OutboxRelay relay;

    DeadLetterResource(CurrentTenant tenant, OutboxRelay relay) {
        this.tenant = tenant;
        this.relay = relay;
    }

    public record DeadLetterView(long id, String topic, String jobId, String eventId, String reason,
                                 Instant createdAt, Instant failedAt, String payload) {
        static DeadLetterView of(DeadLetter letter) {
            return new DeadLetterView(letter.id, letter.topic, letter.recordKey, letter.eventId, letter.reason,
                    letter.createdAt, letter.failedAt, letter.payload);
        }
    }

    public record DeadLetterPage(List<DeadLetterView> items, String nextCursor) {
    }

    public record Resent(int resent) {
    }

    @GET
    @Operation(summary = "Dead letters, newest first; cursor paging")
    public DeadLetterPage list(@RestQuery String cursor, @RestQuery Integer limit) {
        int size = limit == null ? 50 : Math.max(1, Math.min(limit, 200));
        List<DeadLetter> page = (cursor == null
                ? DeadLetter.<DeadLetter>find("tenant", Sort.descending("id"), tenant.name())
                : DeadLetter.<DeadLetter>find("tenant = ?1 and id < ?2", Sort.descending("id"), tenant.name(),
                PageCursor.id(cursor))).page(0, size + 1).list();
        String next = page.size() > size ? Long.toString(page.get(size - 1).id) : null;
        return new DeadLetterPage(page.stream().limit(size).map(DeadLetterView::of).toList(), next);
    }

    @POST
    @Path("/{id}/resend")
    @Transactional
    @Operation(summary = "Move a dead letter back to the outbox (the same record, the same CloudEvent id)")
    public Resent resend(@RestPath long id) {
        DeadLetter letter = DeadLetter.findById(id);
        if (letter == null || !tenant.name().equals(letter.tenant)) {
            throw ProblemException.of(404, "Not Found", "No dead letter " + id + " of this tenant.");
        }
        return new Resent(requeue(List.of(letter)));
    }

    @POST
    @Path("/resend")
    @Transactional
    @Operation(summary = "Move up to 500 of the tenant's dead letters, oldest first, back to the outbox;"
            + " call again while resent is 500")
    public Resent resendAll() {
        return new Resent(requeue(DeadLetter.<DeadLetter>find("tenant", Sort.ascending("id"), tenant.name())
                .page(0, 500).list()));
    }

    private int requeue(List<DeadLetter> letters) {
        Instant now = Instant.now();
        for (DeadLetter letter : letters) {
            letter.toOutbox(now).persist();
            letter.delete();
        }
        relay.wakeUp(); // if it looks before the commit, its next idle look finds them
        return letters.size();
    }
}
