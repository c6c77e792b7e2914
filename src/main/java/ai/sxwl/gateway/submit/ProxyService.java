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
 * job_status and job_del through the gateway, answered as upstream answers them so a client only changes its base
 * URL. A job of the tenant's own that has ended is answered from the history without calling upstream. Any other
 * id — unknown to the gateway, or another tenant's — is asked of upstream with the caller's own token and answered
 * as upstream answered; what upstream confirms about an unknown job is adopted into the caller's history, while
 * another tenant's job is never touched (the ledger changes only its owner's job) and never shows in the answer.
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
        if (job != null && job.status.terminal()) {
            return switch (job.status) {
                case SUCCEEDED -> new StatusAnswer("success", job.modelUrl == null ? "" : job.modelUrl);
                case FAILED -> new StatusAnswer("fail", "");
                // What upstream answers for a deleted or vanished job: 400.
                default -> throw ProblemException.of(400, "Bad Request",
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

    /**
     * Deletes the job upstream with the caller's token; a job of the caller's own is then recorded as cancelled (one
     * that had already ended stays as it was). Upstream answers job_del with 200 even for ids it does not know, so an
     * id unknown here is not adopted.
     */
    void delete(Tenant tenant, String jobId, String traceparent) {
        Job job = ownJob(tenant, jobId);
        upstream.delete(token(tenant), jobId);
        if (job == null) {
            return;
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        QuarkusTransaction.requiringNew().run(() -> ledger.report(jobId, JobOwner.tenant(tenant.name()),
                new StatusReport(JobStatus.CANCELLED, null, null, DetectedBy.CANCEL, now, traceparent)));
    }

    /** The tenant's own job with a known status, or null (unknown here, not yet confirmed, or another tenant's). */
    private static Job ownJob(Tenant tenant, String jobId) {
        Job job = Job.find("jobId = ?1 and tenant = ?2", jobId, tenant.name()).firstResult();
        return job == null || job.status == null ? null : job;
    }

    private static String token(Tenant tenant) {
        return tenant.upstreamToken().orElseThrow(() -> ProblemException.of(502, "Bad Gateway",
                "Tenant " + tenant.name() + " has no upstream token configured."));
    }

    /** job_status as upstream answers it. */
    record StatusAnswer(String status, String url) {
    }
}
