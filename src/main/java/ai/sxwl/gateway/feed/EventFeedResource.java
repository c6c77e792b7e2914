package ai.sxwl.gateway.feed;

import ai.sxwl.gateway.problem.ProblemException;
import ai.sxwl.gateway.publish.CloudEvents;
import ai.sxwl.gateway.tenant.CurrentTenant;
import com.fasterxml.jackson.databind.util.RawValue;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestQuery;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /api/events}: the tenant's events in feed order, for consumers that cannot reach Kafka. A long-poll
 * holds no thread while it waits: it reads again after each pass of this replica's sequencer (at once after a commit
 * here, at least every {@link FeedSequencer#IDLE}, which also finds changes another replica numbered).
 */
@Path("/api/events")
@Tag(name = "events", description = "The events feed")
@Produces(MediaType.APPLICATION_JSON)
public class EventFeedResource {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 500;
    static final int MAX_WAIT_SECONDS = 30;

    private final EventFeed feed;
    private final FeedSequencer sequencer;
    private final CurrentTenant tenant;
    private final FeedCursors cursors;

    EventFeedResource(EventFeed feed, FeedSequencer sequencer, CurrentTenant tenant, FeedCursors cursors) {
        this.feed = feed;
        this.sequencer = sequencer;
        this.tenant = tenant;
        this.cursors = cursors;
    }

    /** {@code {"items": [CloudEvent...], "nextCursor": "..."}}: read on after {@code nextCursor}, always given. */
    public record FeedPage(List<RawValue> items, String nextCursor) {
    }

    @GET
    @Operation(summary = "The tenant's events in order (the CloudEvents of Kafka), after a cursor (none: from the"
            + " oldest retained); types filters (comma-separated), limit 1-500 (100), wait up to 30 seconds for"
            + " new events when there are none")
    public Uni<FeedPage> events(@RestQuery String after, @RestQuery List<String> types, @RestQuery Integer limit,
                                @RestQuery String wait) {
        String owner = tenant.name();
        long position = after == null || after.isEmpty() ? 0 : cursors.open(owner, after).orElseThrow(() ->
                ProblemException.of(400, "Bad Request", "after must be a nextCursor this feed handed out to you."));
        Set<String> shortTypes = shortTypes(types);
        int size = limit == null ? DEFAULT_LIMIT : Math.max(1, Math.min(limit, MAX_LIMIT));
        long deadline = System.nanoTime() + waitFor(wait).toNanos();
        return read(owner, position, shortTypes, size, deadline);
    }

    private Uni<FeedPage> read(String owner, long after, Set<String> types, int limit, long deadline) {
        return Uni.createFrom().item(() -> feed.read(owner, after, types, limit))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onItem().transformToUni(page -> {
                    long left = deadline - System.nanoTime();
                    if (!page.items().isEmpty() || left <= 0) {
                        return Uni.createFrom().item(new FeedPage(page.items(), cursors.seal(owner, page.last())));
                    }
                    long pause = Math.min(left, FeedSequencer.IDLE.toNanos());
                    return Uni.createFrom().completionStage(sequencer.passed().copy()
                                    .completeOnTimeout(null, pause, TimeUnit.NANOSECONDS))
                            .chain(() -> read(owner, after, types, limit, deadline));
                });
    }

    /** {@code types=succeeded,failed} or repeated; the short or the full CloudEvents type. */
    private static Set<String> shortTypes(List<String> values) {
        Set<String> types = new LinkedHashSet<>();
        for (String value : values == null ? List.<String>of() : values) {
            for (String type : value.split(",")) {
                if (type.isBlank()) {
                    continue;
                }
                String shortType = CloudEvents.shortType(type.trim());
                if (!CloudEvents.SHORT_TYPES.contains(shortType)) {
                    throw ProblemException.of(400, "Bad Request", "types must be event types such as"
                            + " ai.sxwl.job.succeeded (or succeeded); " + type.trim() + " is not one.");
                }
                types.add(shortType);
            }
        }
        return types;
    }

    /**
     * Whole seconds ({@code 10}) or a duration in the form of the configuration ({@code 10s}, {@code 500ms},
     * {@code PT5S}); at most 30 s, 0 for no wait.
     */
    private static Duration waitFor(String wait) {
        if (wait == null || wait.isEmpty()) {
            return Duration.ZERO;
        }
        Duration duration;
        try {
            duration = DurationConverter.parseDuration(wait);
        } catch (RuntimeException e) {
            duration = null;
        }
        if (duration == null || duration.isNegative()) {
            throw ProblemException.of(400, "Bad Request", "wait must be a number of seconds from 0 to "
                    + MAX_WAIT_SECONDS + " (or a duration such as 10s or 500ms).");
        }
        Duration max = Duration.ofSeconds(MAX_WAIT_SECONDS);
        return duration.compareTo(max) > 0 ? max : duration;
    }
}
