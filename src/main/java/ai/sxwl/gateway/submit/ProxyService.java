package ai.sxwl.gateway.submit;

import ai.sxwl.gateway.history.DetectedBy;
import ai.sxwl.gateway.history.Job;
import ai.sxwl.gateway.history.JobLedger;
import ai.sxwl.gateway.history.JobOwner;
import ai.sxwl.gateway.history.JobStatus;
import ai.sxwl.gateway.history.StatusReport;
import ai.sxwl.gateway.problem.ProblemException;
import ai.sxwl.gateway.tenant.Tenant;
import ai.sxwl.gateway.upstream.SxwlClient;
import ai.sxwl.gateway.upstream.UpstreamJobStatus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * job_status and job_del through the gateway. Only the tenant's own jobs are found (another tenant's job is a 404,
 * like an unknown one); a terminal job's status is answered from the history without calling upstream.
 */
@ApplicationScoped
public class ProxyService {

    private final SxwlClient upstream;
    private final JobLedger ledger;

    ProxyService(SxwlClient upstream, JobLedger ledger) {
        this.upstream = upstream;
        this.ledger = ledger;
    }

    /**
     * The status in upstream's shape: {@code {"status": ..., "url": ...}}.
     *
     * @param traceparent the trace context to store with a change this answer brings, or null
     */
    StatusAnswer status(Tenant tenant, String jobId, String traceparent) {
        Job job = ownJob(tenant, jobId);
        if (job.status != null && job.status.terminal()) {
            return switch (job.status) {
                case SUCCEEDED -> new StatusAnswer("success", job.modelUrl == null ? "" : job.modelUrl);
                case FAILED -> new StatusAnswer("fail", "");
                default -> throw ProblemException.of(404, "Not Found",
                        "Job " + jobId + " is " + job.status.wire() + "; upstream no longer knows it.");
            };
        }
        UpstreamJobStatus answer = upstream.status(token(tenant), jobId);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        QuarkusTransaction.requiringNew().run(() -> ledger.report(jobId, JobOwner.tenant(tenant.name()),
                new StatusReport(answer.status().jobStatus(), answer.status(), answer.url(), DetectedBy.POLL, now,
                        traceparent)));
        return new StatusAnswer(answer.status().wire(), answer.url() == null ? "" : answer.url());
    }

    /** Deletes the job upstream, then records it as cancelled (a job that had already ended stays as it was). */
    void delete(Tenant tenant, String jobId, String traceparent) {
        ownJob(tenant, jobId);
        upstream.delete(token(tenant), jobId);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        QuarkusTransaction.requiringNew().run(() -> ledger.report(jobId, JobOwner.tenant(tenant.name()),
                new StatusReport(JobStatus.CANCELLED, null, null, DetectedBy.CANCEL, now, traceparent)));
    }

    private static Job ownJob(Tenant tenant, String jobId) {
        return Job.ownedBy(jobId, tenant.name());
    }

    private static String token(Tenant tenant) {
        return tenant.upstreamToken().orElseThrow(() -> ProblemException.of(502, "Bad Gateway",
                "Tenant " + tenant.name() + " has no upstream token configured."));
    }

    /** job_status as upstream answers it. */
    record StatusAnswer(String status, String url) {
    }
}
