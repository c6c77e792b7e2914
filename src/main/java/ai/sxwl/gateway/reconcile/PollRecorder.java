package ai.sxwl.gateway.reconcile;

import ai.sxwl.gateway.observability.TraceContext;
import ai.sxwl.gateway.history.DetectedBy;
import ai.sxwl.gateway.history.Job;
import ai.sxwl.gateway.history.JobLedger;
import ai.sxwl.gateway.history.JobOwner;
import ai.sxwl.gateway.history.JobStatus;
import ai.sxwl.gateway.history.ReportOutcome;
import ai.sxwl.gateway.history.StatusReport;
import ai.sxwl.gateway.history.UpstreamStatus;
import ai.sxwl.gateway.upstream.UpstreamJobStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.List;

/**
 * Applies what a poll learned, in one transaction per job: a change like any other report (one event), or a quiet
 * poll (back off), an unknown job (lost after several in a row), a failure (back off). It also settles the job's
 * untrusted callbacks against upstream's word: confirmed, stale, or an anomaly that publishes nothing.
 */
@ApplicationScoped
@Startup // its counters exist from the start
public class PollRecorder {

    private final JobLedger ledger;
    private final PollSchedule schedule;
    private final EntityManager em;
    private final int lostAfter;
    private final int confirmAttempts;
    private final Counter missedCallbacksRecovered;
    private final Counter lost;
    private final Counter stalled;

    PollRecorder(JobLedger ledger, PollSchedule schedule, EntityManager em, ReconcileConfig config,
                 MeterRegistry registry) {
        this.ledger = ledger;
        this.schedule = schedule;
        this.em = em;
        this.lostAfter = config.lostAfter();
        this.confirmAttempts = config.confirmAttempts();
        this.missedCallbacksRecovered = Counter.builder("gateway.missed.callbacks.recovered")
                .description("Terminal outcomes found by polling that no callback had delivered").register(registry);
        this.lost = Counter.builder("gateway.jobs.lost")
                .description("Jobs upstream stopped knowing without a cancel").register(registry);
        this.stalled = Counter.builder("gateway.jobs.stalled")
                .description("Timed jobs still running after their end plus the grace period").register(registry);
    }

    @Transactional
    public void answered(String jobId, UpstreamJobStatus answer, Instant now) {
        Job job = Job.lock(jobId);
        if (job == null) {
            return;
        }
        JobStatus reported = answer.status().jobStatus();
        boolean claimedByCallback = hasUnconfirmed(jobId, answer.status());
        StatusReport report = new StatusReport(reported, answer.status(), answer.url(),
                claimedByCallback ? DetectedBy.CALLBACK : DetectedBy.POLL, now, TraceContext.current());
        ReportOutcome outcome = ledger.report(jobId, JobOwner.tenant(job.tenant), report);
        if (outcome == ReportOutcome.APPLIED && reported.terminal() && !claimedByCallback) {
            missedCallbacksRecovered.increment();
        }
        if (outcome != ReportOutcome.APPLIED) {
            job.quietPolls++;
            job.failedPolls = 0;
            job.notFoundPolls = 0;
            job.nextPollAt = PollSchedule.wantsPolls(job) ? schedule.next(job, job.quietPolls, now) : null;
        }
        if (!job.status.terminal() && schedule.overdue(job, now) && ledger.stalled(job, now)) {
            stalled.increment();
        }
        settleUnconfirmed(job);
    }

    @Transactional
    public void notFound(String jobId, Instant now) {
        Job job = Job.lock(jobId);
        if (job == null) {
            return;
        }
        if (job.status == null) {
            // Only an untrusted callback ever named this job, and upstream does not know it: a forgery or a typo.
            markUnconfirmed(jobId, "anomaly", "upstream does not know this job");
            job.delete();
            return;
        }
        if (job.status.terminal()) {
            job.nextPollAt = null; // a succeeded job's URL that upstream no longer knows will not come
            return;
        }
        job.notFoundPolls++;
        if (job.notFoundPolls >= lostAfter) {
            ledger.report(jobId, JobOwner.tenant(job.tenant),
                    new StatusReport(JobStatus.LOST, null, null, DetectedBy.POLL, now, TraceContext.current()));
            lost.increment();
        } else {
            job.nextPollAt = schedule.next(job, job.quietPolls + job.notFoundPolls, now);
        }
    }

    @Transactional
    public void failed(String jobId, Instant now) {
        Job job = Job.lock(jobId);
        if (job == null || !PollSchedule.wantsPolls(job)) {
            return;
        }
        job.failedPolls++;
        if (job.unconfirmed && job.failedPolls >= confirmAttempts) {
            // Anonymous, and upstream could not be asked often enough: stop spending the poll budget on it.
            markUnconfirmed(jobId, "unconfirmed", "not confirmed: upstream did not answer " + confirmAttempts
                    + " attempts");
            job.delete();
            return;
        }
        job.nextPollAt = schedule.next(job, job.quietPolls + job.failedPolls, now);
    }

    private boolean hasUnconfirmed(String jobId, UpstreamStatus status) {
        return ((Number) em.createNativeQuery("SELECT count(*) FROM callback_receipt WHERE job_id = ?1"
                        + " AND outcome = 'unconfirmed' AND status = ?2")
                .setParameter(1, jobId).setParameter(2, status.wire()).getSingleResult()).longValue() > 0;
    }

    /** Untrusted callbacks of this job, judged by what upstream says now. */
    @SuppressWarnings("unchecked")
    private void settleUnconfirmed(Job job) {
        List<Object[]> receipts = em.createNativeQuery("SELECT id, status FROM callback_receipt WHERE job_id = ?1"
                        + " AND outcome = 'unconfirmed'")
                .setParameter(1, job.jobId).getResultList();
        for (Object[] receipt : receipts) {
            JobStatus claimed = UpstreamStatus.fromWire((String) receipt[1]).orElseThrow().jobStatus();
            String outcome;
            String note;
            if (claimed == job.status) {
                outcome = "applied";
                note = "confirmed by job_status";
            } else if (claimed == JobStatus.RUNNING && job.status.terminal()) {
                outcome = "duplicate";
                note = "stale: the job has ended";
            } else {
                outcome = "anomaly";
                note = "upstream says " + job.status.wire();
            }
            em.createNativeQuery("UPDATE callback_receipt SET outcome = ?1, note = ?2 WHERE id = ?3")
                    .setParameter(1, outcome).setParameter(2, note).setParameter(3, receipt[0]).executeUpdate();
        }
    }

    private void markUnconfirmed(String jobId, String outcome, String note) {
        em.createNativeQuery("UPDATE callback_receipt SET outcome = ?1, note = ?2 WHERE job_id = ?3"
                        + " AND outcome = 'unconfirmed'")
                .setParameter(1, outcome).setParameter(2, note).setParameter(3, jobId).executeUpdate();
    }
}
