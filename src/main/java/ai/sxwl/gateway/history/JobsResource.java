package ai.sxwl.gateway.history;

import ai.sxwl.gateway.Database;
import ai.sxwl.gateway.problem.PageCursor;
import ai.sxwl.gateway.problem.ProblemException;
import ai.sxwl.gateway.tenant.CurrentTenant;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.quarkus.panache.common.Sort;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The job history of the calling tenant: its jobs, one job, and a job's changes in order. */
@Path("/api/jobs")
@Tag(name = "history", description = "Jobs and their changes")
@Produces(MediaType.APPLICATION_JSON)
public class JobsResource {

    private static final int MAX_LIMIT = 200;

    private final CurrentTenant tenant;
    private final EntityManager em;
    private final Database database;

    JobsResource(CurrentTenant tenant, EntityManager em, Database database) {
        this.tenant = tenant;
        this.em = em;
        this.database = database;
    }

    @GET
    @Operation(summary = "List jobs, newest first; filters: status (one, or several comma-separated), since/until"
            + " (creation time), q (substring of the job id or the spec's name fields); cursor paging")
    public JobPage list(@RestQuery List<String> status, @RestQuery String since, @RestQuery String until,
                        @RestQuery String q, @RestQuery String search, @RestQuery String cursor,
                        @RestQuery Integer limit) {
        q = q != null ? q : search; // "search" is accepted as another name of q
        int size = limit == null ? 50 : Math.max(1, Math.min(limit, MAX_LIMIT));
        JobQuery query = new JobQuery(tenant.name(), parseStatuses(status),
                since == null ? null : instant("since", since), until == null ? null : instant("until", until),
                q == null || q.isBlank() ? null : q, cursor == null ? null : PageCursor.decode(cursor),
                database.postgres());
        List<Job> jobs = query.page(em, size + 1);
        String next = jobs.size() > size
                ? new PageCursor.Position(jobs.get(size - 1).createdAt, jobs.get(size - 1).jobId).encode() : null;
        return new JobPage(jobs.stream().limit(size).map(JobView::of).toList(), next);
    }

    @GET
    @Path("/{jobId}")
    @Operation(summary = "One job's current state")
    public JobView get(@RestPath String jobId) {
        return JobView.of(ownJob(jobId));
    }

    @GET
    @Path("/{jobId}/events")
    @Operation(summary = "A job's changes, in order")
    public List<EventView> events(@RestPath String jobId) {
        ownJob(jobId);
        return JobEvent.<JobEvent>list("jobId", Sort.ascending("seq"), jobId).stream().map(EventView::of).toList();
    }

    private Job ownJob(String jobId) {
        return Job.ownedBy(jobId, tenant.name());
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
                          @JsonRawValue String submission, Instant createdAt, Instant updatedAt) {
        static JobView of(Job job) {
            return new JobView(job.jobId, job.tenant, job.status.wire(), job.seq, job.upstreamStatus, job.modelUrl,
                    job.modelUrlExpiresAt, job.submissionId, job.submission, job.createdAt, job.updatedAt);
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
