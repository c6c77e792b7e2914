package ai.sxwl.gateway.submit;

import ai.sxwl.gateway.observability.TraceContext;
import ai.sxwl.gateway.history.DetectedBy;
import ai.sxwl.gateway.history.Job;
import ai.sxwl.gateway.history.JobLedger;
import ai.sxwl.gateway.history.JobOwner;
import ai.sxwl.gateway.history.JobStatus;
import ai.sxwl.gateway.history.ModelUrls;
import ai.sxwl.gateway.history.StatusReport;
import ai.sxwl.gateway.history.UpstreamStatus;
import ai.sxwl.gateway.problem.ProblemException;
import ai.sxwl.gateway.tenant.CurrentTenant;
import ai.sxwl.gateway.upstream.SxwlClient;
import ai.sxwl.gateway.upstream.UpstreamJobStatus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;

import java.time.Instant;

/**
 * A succeeded job's model URL and when it expires. SXWL signs it for 30 days and does not re-sign it; when the
 * stored one has expired, upstream is asked once more, and 410 answers if it is still expired.
 */
@Path("/api/jobs/{jobId}/model-url")
@Tag(name = "history")
@Produces(MediaType.APPLICATION_JSON)
public class ModelUrlResource {

    private final CurrentTenant tenant;
    private final SxwlClient upstream;
    private final JobLedger ledger;

    ModelUrlResource(CurrentTenant tenant, SxwlClient upstream, JobLedger ledger) {
        this.tenant = tenant;
        this.upstream = upstream;
        this.ledger = ledger;
    }

    public record ModelUrl(String jobId, String modelUrl, Instant expiresAt) {
    }

    @GET
    @Operation(summary = "The model URL of a succeeded job and its expiry (from Expires=); 410 once expired")
    public ModelUrl get(@RestPath String jobId, @HeaderParam("traceparent") String traceparent) {
        Job job = Job.ownedBy(jobId, tenant.name());
        if (job.status != JobStatus.SUCCEEDED) {
            throw ProblemException.of(404, "Not Found", "Job " + jobId + " is " + job.status.wire()
                    + "; only a succeeded job has a model URL.");
        }
        Instant now = Instant.now();
        if (job.modelUrl != null && !expired(job.modelUrlExpiresAt, now)) {
            return new ModelUrl(jobId, job.modelUrl, job.modelUrlExpiresAt);
        }
        String token = tenant.get().upstreamToken().orElseThrow(() -> ProblemException.of(502, "Bad Gateway",
                "Tenant " + tenant.name() + " has no upstream token configured."));
        UpstreamJobStatus answer = upstream.status(token, jobId);
        Instant expiresAt = ModelUrls.expiresAt(answer.url());
        if (answer.url() == null || expired(expiresAt, now)) {
            throw ProblemException.of(410, "Gone", "The model URL of job " + jobId + " has expired"
                    + (job.modelUrlExpiresAt == null ? "" : " (at " + job.modelUrlExpiresAt + ")")
                    + " and upstream has no fresher one.");
        }
        // Through the ledger like any report: a fresher URL is a model_available event for consumers too.
        QuarkusTransaction.requiringNew().run(() -> ledger.report(jobId, JobOwner.tenant(job.tenant),
                new StatusReport(JobStatus.SUCCEEDED, UpstreamStatus.SUCCESS, answer.url(), DetectedBy.POLL, now,
                        TraceContext.of(traceparent))));
        return new ModelUrl(jobId, answer.url(), expiresAt);
    }

    private static boolean expired(Instant expiresAt, Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }
}
