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
import ai.sxwl.gateway.submit.Submission;
import ai.sxwl.gateway.tenant.Tenant;
import ai.sxwl.gateway.tenant.TenantRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Stores a validated callback and applies it, in one short transaction: the job change, its outbox rows and the raw
 * receipt commit together, so "200" means all of it is durable.
 */
@ApplicationScoped
public class CallbackInbox {

    /** How much of the body a callback that changed nothing keeps. */
    static final int KEPT_BODY_CHARS = 1024;

    private final JobLedger ledger;
    private final PollScheduler polls;
    private final EntityManager em;
    private final boolean trustUntokened;
    private final String untokenedTenant;
    private final boolean canConfirm;

    CallbackInbox(JobLedger ledger, PollScheduler polls, EntityManager em, CallbackConfig config,
                  TenantRegistry tenants) {
        this.ledger = ledger;
        this.polls = polls;
        this.em = em;
        this.trustUntokened = config.trustUntokened();
        this.untokenedTenant = config.untokenedTenant()
                .or(tenants::soleTenant)
                .orElse(TenantRegistry.DEFAULT_TENANT);
        this.canConfirm = tenants.byName(untokenedTenant).flatMap(Tenant::upstreamToken).isPresent();
    }

    /** A callback on a submission's own URL: the token already proved who issued it. */
    @Transactional
    public ReceiptOutcome onToken(String submissionId, ParsedCallback callback, String dedupeKey) {
        Instant now = now();
        Submission submission = Submission.lock(submissionId);
        if (submission == null) {
            throw unknownCallbackUrl();
        }
        String jobId = resolveJobId(submission, callback.jobId());
        if (jobId == null) {
            // Upstream's answer to the submit was lost and this (failure) callback names no job: keep it for the
            // submission until the job id is learned.
            store(dedupeKey, CallbackRoute.TOKEN, submissionId, null, callback, ReceiptOutcome.UNCONFIRMED,
                    "job id not known yet", now);
            return ReceiptOutcome.UNCONFIRMED;
        }
        JobOwner owner = new JobOwner(submission.tenant, submission.id, submission.spec);
        ReceiptOutcome outcome = ReceiptOutcome.of(ledger.report(jobId, owner, report(callback, now)));
        store(dedupeKey, CallbackRoute.TOKEN, submissionId, jobId, callback, outcome, null, now);
        return outcome;
    }

    /**
     * A callback on the shared URL: applied when trusted, otherwise held until job_status confirms it (the
     * reconciler asks at once).
     */
    @Transactional
    public ReceiptOutcome onUntokened(ParsedCallback callback, String dedupeKey) {
        Instant now = now();
        String jobId = callback.jobId();
        ReceiptOutcome outcome;
        if (trustUntokened) {
            outcome = ReceiptOutcome.of(ledger.report(jobId, JobOwner.tenant(untokenedTenant), report(callback, now)));
        } else {
            outcome = unconfirmedOutcome(Job.findById(jobId), callback);
            if (outcome == ReceiptOutcome.UNCONFIRMED && !canConfirm) {
                // Nothing could ever poll it: keep the receipt, create no job.
                store(dedupeKey, CallbackRoute.UNTOKENED, null, jobId, callback, outcome,
                        "cannot be confirmed: tenant " + untokenedTenant + " has no upstream token", now);
                return outcome;
            }
            if (outcome == ReceiptOutcome.UNCONFIRMED) {
                polls.confirmSoon(jobId, untokenedTenant, now);
            }
        }
        store(dedupeKey, CallbackRoute.UNTOKENED, null, jobId, callback, outcome, null, now);
        return outcome;
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
     * answer was lost; one that names another job than its submission's is refused.
     */
    private static String resolveJobId(Submission submission, String named) {
        if (named == null) {
            return submission.jobId;
        }
        if (submission.jobId == null) {
            if (Submission.count("jobId", named) > 0) {
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

    private static StatusReport report(ParsedCallback callback, Instant at) {
        return new StatusReport(callback.status().jobStatus(), callback.status(), callback.url(), DetectedBy.CALLBACK,
                at);
    }

    /**
     * Inserts the receipt; an identical one stored concurrently (same dedupe key) wins and this one is dropped. A
     * callback that changed nothing (yet) keeps only the start of its body: anyone can post those, and the parsed
     * fields are kept whole in their own columns.
     */
    private void store(String dedupeKey, CallbackRoute route, String submissionId, String jobId,
                       ParsedCallback callback, ReceiptOutcome outcome, String note, Instant at) {
        em.createNativeQuery("INSERT INTO callback_receipt (dedupe_key, route, submission_id, job_id, status, url,"
                        + " body, outcome, note, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                        + " ON CONFLICT DO NOTHING")
                .setParameter(1, dedupeKey)
                .setParameter(2, route.wire())
                .setParameter(3, submissionId)
                .setParameter(4, jobId)
                .setParameter(5, callback.status().wire())
                .setParameter(6, callback.url())
                .setParameter(7, outcome == ReceiptOutcome.APPLIED ? callback.body()
                        : keptBody(callback.body()))
                .setParameter(8, outcome.wire())
                .setParameter(9, note)
                .setParameter(10, at)
                .executeUpdate();
    }

    static String keptBody(String body) {
        return body.length() <= KEPT_BODY_CHARS ? body
                : body.substring(0, KEPT_BODY_CHARS) + "…[" + (body.length() - KEPT_BODY_CHARS)
                + " more characters not kept]";
    }

    static ProblemException unknownCallbackUrl() {
        return ProblemException.of(404, "Not Found", "No submission has this callback URL.");
    }

    private static ProblemException jobMismatch() {
        return new ProblemException(Problem.invalid("The callback names another job than its callback URL's.",
                List.of(new FieldError("jobId", "does not match the job this callback URL was issued for"))));
    }
}
