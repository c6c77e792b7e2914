package ai.sxwl.gateway.reconcile;

import ai.sxwl.gateway.history.Job;
import ai.sxwl.gateway.history.JobChanged;
import ai.sxwl.gateway.history.JobLedger;
import ai.sxwl.gateway.history.JobOwner;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Instant;

/** Keeps each job's next poll in step with its news, inside the transaction that brings the news. */
@ApplicationScoped
public class PollScheduler {

    private final EntityManager em;
    private final JobLedger ledger;
    private final PollSchedule schedule;

    PollScheduler(EntityManager em, JobLedger ledger, PollSchedule schedule) {
        this.em = em;
        this.ledger = ledger;
        this.schedule = schedule;
    }

    /**
     * News: poll again {@code initial-delay} later, or never once terminal (and the model URL known). Before the
     * change's other observers, whose writes flush the session: the job's row is then updated once per change, its
     * next poll with the rest.
     */
    void onChange(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) JobChanged change) {
        Job job = em.find(Job.class, change.jobId());
        job.unconfirmed = false;
        job.quietPolls = 0;
        job.failedPolls = 0;
        job.notFoundPolls = 0;
        job.nextPollAt = PollSchedule.wantsPolls(job) ? schedule.next(job, 0, change.occurredAt()) : null;
    }

    /**
     * An untrusted callback about this job: ask upstream as soon as the poll budget allows. A job not known yet is
     * created without a status, visible to nobody until upstream confirms it, and polled only with what known jobs
     * leave of the budget.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void confirmSoon(String jobId, String tenant, Instant now) {
        Job job = ledger.lockOrCreate(jobId, JobOwner.tenant(tenant), now);
        if (job.status == null) {
            job.unconfirmed = true;
        }
        if (job.status == null || !job.status.terminal()) {
            job.nextPollAt = now;
        }
    }
}
