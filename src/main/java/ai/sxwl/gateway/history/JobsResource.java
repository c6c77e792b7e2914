package ai.sxwl.gateway.history;

import ai.sxwl.gateway.settings.Database;
import ai.sxwl.gateway.problem.PageCursor;
import ai.sxwl.gateway.problem.ProblemException;
import ai.sxwl.gateway.tenant.CurrentTenant;
import ai.sxwl.gateway.problem.Problem;
import ai.sxwl.gateway.problem.Problem.FieldError;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** The job history of the calling tenant: its jobs, one job, and a job's changes in order. */
@Path("/api/jobs")
@Tag(name = "history", description = "Jobs and their changes")
@Produces(MediaType.APPLICATION_JSON)
public class JobsResource {

    private static final int MAX_LIMIT = 200;

    private final CurrentTenant tenant;
    private final EntityManager em;
    private final Database database;
    private final JobWatch watchers;

    JobsResource(CurrentTenant tenant, EntityManager em, Database database, JobWatch watchers) {
        this.tenant = tenant;
        this.em = em;
        this.database = database;
        this.watchers = watchers;
    }

    @GET
    @Operation(summary = "List jobs, newest first; filters: status (one, or several comma-separated), since/until"
            + " (creation time), q (substring of the job id or the spec's name fields), label=k=v (repeatable: all"
            + " of them); cursor paging")
    public JobPage list(@RestQuery List<String> status, @RestQuery String since, @RestQuery String until,
                        @RestQuery String q, @RestQuery String search, @RestQuery List<String> label,
                        @RestQuery String cursor, @RestQuery Integer limit) {
        q = q != null ? q : search; // "search" is accepted as another name of q
        int size = limit == null ? 50 : Math.max(1, Math.min(limit, MAX_LIMIT));
        JobQuery query = new JobQuery(tenant.name(), parseStatuses(status),
                since == null ? null : instant("since", since), until == null ? null : instant("until", until),
                q == null || q.isBlank() ? null : q, parseLabels(label),
                cursor == null ? null : PageCursor.decode(cursor), database.postgres());
        List<Job> jobs = query.page(em, size + 1);
        String next = jobs.size() > size
                ? new PageCursor.Position(jobs.get(size - 1).createdAt, jobs.get(size - 1).jobId).encode() : null;
        return new JobPage(jobs.stream().limit(size).map(JobView::of).toList(), next);
    }

    @GET
    @Path("/{jobId}")
    @Operation(summary = "One job's current state; with wait (at most 30 s) it long-polls: answers once the job is"
            + " terminal (until=terminal, the default) or has changed (until=change: its sequence passed after, by"
            + " default the sequence it had when asked), or at the deadline with its state then")
    public Uni<JobView> job(@RestPath String jobId, @RestQuery String wait, @RestQuery String until,
                            @RestQuery Long after) {
        String owner = tenant.name();
        Duration waitFor = JobWait.parseWait(wait);
        JobWait.Until condition = JobWait.Until.parse(until);
        return awaitJob(jobId, owner, condition, after, System.nanoTime() + waitFor.toNanos());
    }

    /** One job as {@link #job} answers it without waiting (the console's job page). */
    public JobView get(String jobId) {
        return JobView.of(ownJob(jobId));
    }

    /**
     * Reads the job and answers it once the condition holds or the deadline passed; otherwise waits for the job's next
     * change committed here (or {@link JobWait#RECHECK}, for changes committed by another replica), holding no
     * thread, and reads again. The watch is joined before the read, so a change committed in between is not missed.
     *
     * @param after for until=change, the sequence to pass; null: the one the first read finds
     */
    private Uni<JobView> awaitJob(String jobId, String owner, JobWait.Until condition, Long after, long deadline) {
        JobWatch.Watch watch = watchers.join(jobId);
        return read(jobId, owner).chain(current -> {
            long since = after != null ? after : current.sequence();
            long left = deadline - System.nanoTime();
            if (condition.met(current, since) || left <= 0) {
                return Uni.createFrom().item(current);
            }
            return Uni.createFrom().completionStage(watch.changed.copy()
                            .completeOnTimeout(null, Math.min(left, JobWait.RECHECK.toNanos()), TimeUnit.NANOSECONDS))
                    .chain(() -> awaitJob(jobId, owner, condition, since, deadline));
        }).eventually(() -> watchers.leave(jobId, watch));
    }

    /** The tenant's job, read on a worker thread in a transaction of its own (never on the event loop). */
    private static Uni<JobView> read(String jobId, String owner) {
        return Uni.createFrom().item(() -> QuarkusTransaction.requiringNew()
                        .call(() -> JobView.of(Job.ownedBy(jobId, owner))))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    @GET
    @Path("/{jobId}/events")
    @Operation(summary = "A job's changes, in order")
    public List<EventView> events(@RestPath String jobId) {
        ownJob(jobId);
        return JobEvent.<JobEvent>list("jobId", Sort.ascending("seq"), jobId).stream().map(EventView::of).toList();
    }

    @PATCH
    @Path("/{jobId}/labels")
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    @Transactional
    @Operation(summary = "Set or remove a job's labels (a JSON merge patch: \"k\": \"v\" sets, \"k\": null removes);"
            + " later events carry the new labels. Answers the job.")
    public JobView patchLabels(@RestPath String jobId, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            throw ProblemException.of(400, "Bad Request", "The body must be a JSON object of label values"
                    + " (a string sets a label, null removes it).");
        }
        Job job = Job.lock(jobId);
        if (job == null || job.status == null || !job.tenant.equals(tenant.name())) {
            throw ProblemException.of(404, "Not Found", "No job " + jobId + " of this tenant.");
        }
        SortedMap<String, String> labels = new TreeMap<>(JobLabels.parse(job.labels));
        List<FieldError> errors = new ArrayList<>();
        patch.properties().forEach(entry -> {
            if (entry.getValue().isNull()) {
                labels.remove(entry.getKey());
            } else if (entry.getValue().isTextual()) {
                labels.put(entry.getKey(), entry.getValue().textValue());
            } else {
                errors.add(new FieldError("labels." + entry.getKey(), "must be a string, or null to remove it"));
            }
        });
        JobLabels.check(labels, "labels", errors);
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.invalid("The labels break " + errors.size() + " rule(s).", errors));
        }
        job.labels = labels.isEmpty() ? null : JobLabels.toJson(labels);
        return JobView.of(job);
    }

    private Job ownJob(String jobId) {
        return Job.ownedBy(jobId, tenant.name());
    }

    /** {@code label=k=v}, repeatable; each must name a valid label (a malformed one could never match). */
    private static SortedMap<String, String> parseLabels(List<String> values) {
        SortedMap<String, String> labels = new TreeMap<>();
        List<FieldError> errors = new ArrayList<>();
        for (String value : values == null ? List.<String>of() : values) {
            int eq = value.indexOf('=');
            if (eq < 0) {
                errors.add(new FieldError("label", "'" + value + "' is not k=v"));
            } else if (labels.put(value.substring(0, eq), value.substring(eq + 1)) != null) {
                errors.add(new FieldError("label", "'" + value.substring(0, eq) + "' is asked for twice"));
            }
        }
        JobLabels.check(labels, "label", errors);
        if (!errors.isEmpty()) {
            throw ProblemException.of(400, "Bad Request", "label must be k=v with a valid label key and value: "
                    + errors.stream().map(e -> e.field() + ": " + e.message()).collect(Collectors.joining("; ")));
        }
        return labels;
    }

    /** {@code status=a,b} or {@code status=a&status=b}; empty for all. */
    private static Set<JobStatus> parseStatuses(List<String> values) {
        Set<JobStatus> statuses = EnumSet.noneOf(JobStatus.class);
        for (String value : values == null ? List.<String>of() : values) {
            for (String status : value.split(",")) {
                if (status.isBlank()) {
                    continue;
                }
                try {
                    statuses.add(JobStatus.fromWire(status.trim()));
                } catch (IllegalArgumentException e) {
                    throw ProblemException.of(400, "Bad Request",
                            "status must be one or more of submitted, running, succeeded, failed, cancelled, lost.");
                }
            }
        }
        return statuses;
    }

    private static Instant instant(String name, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ProblemException.of(400, "Bad Request", name + " must be an ISO-8601 instant such as"
                    + " 2026-11-27T10:00:00Z.");
        }
    }

    public record JobPage(List<JobView> items, String nextCursor) {
    }

    public record JobView(String jobId, String tenant, String status, long sequence, String upstreamStatus,
                          String modelUrl, Instant modelUrlExpiresAt, String submissionId,
                          @JsonRawValue String submission, @JsonRawValue String labels, Instant createdAt,
                          Instant updatedAt) {
        static JobView of(Job job) {
            return new JobView(job.jobId, job.tenant, job.status.wire(), job.seq, job.upstreamStatus, job.modelUrl,
                    job.modelUrlExpiresAt, job.submissionId, job.submission, job.labels == null ? "{}" : job.labels,
                    job.createdAt, job.updatedAt);
        }

        /** The labels as {@code key=value} texts, sorted by key (for the console). */
        public List<String> labelPairs() {
            return JobLabels.parse(labels).entrySet().stream().map(l -> l.getKey() + "=" + l.getValue()).toList();
        }
    }

    public record EventView(long sequence, String type, String status, String previousStatus,
                            String upstreamStatus, String detectedBy, String modelUrl, Instant occurredAt) {
        static EventView of(JobEvent event) {
            return new EventView(event.seq, event.type, event.status.wire(),
                    event.previousStatus == null ? null : event.previousStatus.wire(), event.upstreamStatus,
                    event.detectedBy, event.modelUrl, event.occurredAt);
        }
    }
}
