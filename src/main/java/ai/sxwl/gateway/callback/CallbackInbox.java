package ai.sxwl.gateway.callback;

import ai.sxwl.gateway.history.DetectedBy;
import ai.sxwl.gateway.history.Job;
import ai.sxwl.gateway.history.JobLedger;
import ai.sxwl.gateway.history.JobOwner;
import ai.sxwl.gateway.history.StatusReport;
import ai.sxwl.gateway.reconcile.PollScheduler;
import ai.sxwl.gateway.problem.Problem;
import ai.sxwl.gateway.problem.Problem.FieldError;
import ai.sxwl.gateway.problem.ProblemException;
import ai.sxwl.gateway.history.Submission;
import ai.sxwl.gateway.tenant.Tenant;
import ai.sxwl.gateway.tenant.TenantRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.hibernate.Session;

import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Applies a validated callback inside the transaction of the {@link CallbackWriter}'s batch: the job change and its
 * outbox rows now, the raw receipt at the end of the batch ({@link #storeReceipts}); all of it commits together, so
 * "200" means all of it is durable.
 *
 * <p>A {@link ProblemException} (unknown callback URL, another job than the URL's) is thrown before the callback wrote
 * anything, so it does not roll back the other callbacks of its batch.
 */
@ApplicationScoped
public class CallbackInbox {

    private final JobLedger ledger;
    private final PollScheduler polls;
    private final EntityManager em;
    private final TenantRegistry tenants;
    private final boolean trustUntokened;
    private final String untokenedTenant;

    CallbackInbox(JobLedger ledger, PollScheduler polls, EntityManager em, CallbackConfig config,
                  TenantRegistry tenants) {
        this.ledger = ledger;
        this.polls = polls;
        this.em = em;
        this.tenants = tenants;
        this.trustUntokened = config.trustUntokened();
        this.untokenedTenant = config.untokenedTenant()
                .or(tenants::soleTenant)
                .orElse(TenantRegistry.DEFAULT_TENANT);
    }

    /** A callback on a submission's own URL: the token already proved who issued it. */
    @Transactional(value = Transactional.TxType.MANDATORY, dontRollbackOn = ProblemException.class)
    public CallbackReceipt onToken(String submissionId, ParsedCallback callback, String dedupeKey,
                                   String traceparent) {
        Instant now = now();
        Submission submission = Submission.lock(submissionId);
        if (submission == null) {
            throw unknownCallbackUrl();
        }
        String jobId = resolveJobId(submission, callback.jobId());
        if (jobId == null) {
            // Upstream's answer to the submit was lost and this (failure) callback names no job: keep it for the
            // submission until the job id is learned.
            return CallbackReceipt.of(dedupeKey, CallbackRoute.TOKEN, submissionId, null, callback,
                    ReceiptOutcome.UNCONFIRMED, "job id not known yet", now);
        }
        JobOwner owner = JobOwner.of(submission);
        ReceiptOutcome outcome = ReceiptOutcome.of(ledger.report(jobId, owner, report(callback, now, traceparent)));
        return CallbackReceipt.of(dedupeKey, CallbackRoute.TOKEN, submissionId, jobId, callback, outcome, null, now);
    }

    /**
     * A callback on the shared URL. Nobody proved who sent it, so it may change only what the trust setting hands to
     * the untokened tenant: a job not known yet, or one of that tenant's own jobs that did not come through the
     * proxy. Anything else (another tenant's job, a job with a submission), and everything when untrusted, is kept as
     * a receipt and confirmed by job_status asked with the job owner's own upstream token (the reconciler asks at
     * once); what upstream answers is applied then, never the callback's own URL.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public CallbackReceipt onUntokened(ParsedCallback callback, String dedupeKey, String traceparent) {
        Instant now = now();
        String jobId = callback.jobId();
        Job job = Job.lock(jobId);
        if (trustUntokened && trustedWith(job)) {
            ReceiptOutcome outcome = ReceiptOutcome.of(ledger.reportLookedUp(job, jobId,
                    JobOwner.tenant(untokenedTenant), report(callback, now, traceparent)));
            return CallbackReceipt.of(dedupeKey, CallbackRoute.UNTOKENED, null, jobId, callback, outcome, null, now);
        }
        ReceiptOutcome outcome = unconfirmedOutcome(job, callback);
        String owner = job == null ? untokenedTenant : job.tenant;
        if (outcome == ReceiptOutcome.UNCONFIRMED && tenants.byName(owner).flatMap(Tenant::upstreamToken).isEmpty()) {
            // Nothing could ever poll it: keep the receipt, create no job.
            return CallbackReceipt.of(dedupeKey, CallbackRoute.UNTOKENED, null, jobId, callback, outcome,
                    "cannot be confirmed: tenant " + owner + " has no upstream token", now);
        }
        if (outcome == ReceiptOutcome.UNCONFIRMED) {
            polls.confirmSoon(jobId, owner, now);
        }
        return CallbackReceipt.of(dedupeKey, CallbackRoute.UNTOKENED, null, jobId, callback, outcome, null, now);
    }

    /** What a trusted untokened callback may change: an unknown job, or the untokened tenant's own unsubmitted one. */
    private boolean trustedWith(Job job) {
        return job == null || job.tenant.equals(untokenedTenant) && job.submissionId == null;
    }

    /** Millisecond precision: what the database, the events and the API all hold alike. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    /** What an untrusted callback would do: nothing it could change is applied before it is confirmed. */
    private static ReceiptOutcome unconfirmedOutcome(Job job, ParsedCallback callback) {
        if (job == null || job.status == null) {
            return ReceiptOutcome.UNCONFIRMED;
        }
        if (job.status == callback.status().jobStatus()) {
            return ReceiptOutcome.DUPLICATE;
        }
        return job.status.terminal() ? ReceiptOutcome.ANOMALY : ReceiptOutcome.UNCONFIRMED;
    }

    /**
     * The job a token callback is about. A callback that names a job adopts it into a submission whose upstream
     * answer was lost, unless another submission or another tenant owns that job; one that names another job than its
     * submission's is refused.
     */
    private static String resolveJobId(Submission submission, String named) {
        if (named == null) {
            return submission.jobId;
        }
        if (submission.jobId == null) {
            // Never another submission's job, nor another tenant's: adopting it would hand this token its changes.
            Job known = Job.findById(named);
            if (Submission.count("jobId", named) > 0 || known != null && !known.tenant.equals(submission.tenant)) {
                throw jobMismatch();
            }
            submission.jobId = named;
            return named;
        }
        if (!submission.jobId.equals(named)) {
            throw jobMismatch();
        }
        return named;
    }

    private static StatusReport report(ParsedCallback callback, Instant at, String traceparent) {
        return new StatusReport(callback.status().jobStatus(), callback.status(), callback.url(), DetectedBy.CALLBACK,
                at, traceparent);
    }

    /**
     * Inserts a batch's receipts in one JDBC batch; an identical one stored concurrently (same dedupe key) wins and
     * this one is dropped.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void storeReceipts(List<CallbackReceipt> receipts) {
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO callback_receipt (dedupe_key,"
                    + " route, submission_id, job_id, status, url, body, outcome, note, received_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                for (CallbackReceipt receipt : receipts) {
                    receipt.bind(insert);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        });
    }

    static ProblemException unknownCallbackUrl() {
        return ProblemException.of(404, "Not Found", "No submission has this callback URL.");
    }

    private static ProblemException jobMismatch() {
        return new ProblemException(Problem.invalid("The callback names another job than its callback URL's.",
                List.of(new FieldError("jobId", "does not match the job this callback URL was issued for"))));
    }
}
