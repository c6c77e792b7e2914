package ai.sxwl.gateway.submit;

import ai.sxwl.gateway.history.JobLabels;
import ai.sxwl.gateway.history.JobLedger;
import ai.sxwl.gateway.history.JobOwner;
import ai.sxwl.gateway.history.Submission;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Optional;

/**
 * The submissions table: claims a submission (and its Idempotency-Key) in a committed transaction before upstream is
 * called, then records the answer. Each method is one short transaction of its own.
 */
@ApplicationScoped
public class SubmissionLedger {

    static final Duration IDEMPOTENCY_WINDOW = Duration.ofHours(24);
    private static final Logger LOG = Logger.getLogger(SubmissionLedger.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final EntityManager em;
    private final JobLedger jobs;

    SubmissionLedger(EntityManager em, JobLedger jobs) {
        this.em = em;
        this.jobs = jobs;
    }

    /** A new submission, or the one that already holds this tenant's Idempotency-Key within 24 hours. */
    sealed interface Claim {
        record Claimed(String submissionId) implements Claim {
        }

        record Taken(Submission existing) implements Claim {
        }
    }

    Claim claim(String tenant, String idempotencyKey, String requestHash, JobSpec spec) {
        return QuarkusTransaction.requiringNew().call(() -> {
            String id = newId();
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            // Without a key nothing can conflict; with one, a concurrent claim of the same key waits here for the
            // other transaction and then inserts nothing.
            if (insert(id, tenant, idempotencyKey, requestHash, spec, now)) {
                return new Claim.Claimed(id);
            }
            Submission existing = byKey(tenant, idempotencyKey).orElseThrow();
            if (existing.createdAt.isAfter(now.minus(IDEMPOTENCY_WINDOW))) {
                return new Claim.Taken(existing);
            }
            // The key's 24 hours are over: it may name a new submission.
            existing.idempotencyKey = null;
            em.flush();
            insert(id, tenant, idempotencyKey, requestHash, spec, now);
            return new Claim.Claimed(id);
        });
    }

    /** Upstream created the job: record it, with its first change (submitted), and the answer given. */
    void created(String submissionId, String jobId, Duration timedRun, Answer answer, String traceparent) {
        QuarkusTransaction.requiringNew().run(() -> {
            Submission submission = Submission.lock(submissionId);
            if (submission.jobId == null) {
                submission.jobId = jobId;
            } else if (!submission.jobId.equals(jobId)) {
                LOG.warnf("Submission %s: upstream answered job %s, but a callback had named %s", submissionId,
                        jobId, submission.jobId);
            }
            remember(submission, answer);
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            jobs.submitted(jobId, JobOwner.of(submission), now,
                    timedRun == null ? null : submission.createdAt.plus(timedRun), traceparent);
        });
    }

    /** Upstream's answer was a failure: remember it for replays. */
    void failed(String submissionId, Answer answer) {
        QuarkusTransaction.requiringNew().run(() -> remember(Submission.lock(submissionId), answer));
    }

    /** Upstream was never called (the breaker was open): free the key so that a retry can submit. */
    void release(String submissionId) {
        QuarkusTransaction.requiringNew().run(() -> Submission.lock(submissionId).idempotencyKey = null);
    }

    Optional<Submission> reload(String submissionId) {
        return QuarkusTransaction.requiringNew().call(() -> Submission.<Submission>findByIdOptional(submissionId));
    }

    private static void remember(Submission submission, Answer answer) {
        submission.responseStatus = answer.status();
        submission.responseBody = answer.json();
    }

    private boolean insert(String id, String tenant, String key, String hash, JobSpec spec, Instant now) {
        return em.createNativeQuery("INSERT INTO submission (id, tenant, spec, callback_target, idempotency_key,"
                        + " request_hash, created_at, labels) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
                        + " ON CONFLICT DO NOTHING")
                .setParameter(1, id)
                .setParameter(2, tenant)
                .setParameter(3, spec.redacted().toString())
                .setParameter(4, spec.callbackTarget())
                .setParameter(5, key)
                .setParameter(6, hash)
                .setParameter(7, now)
                .setParameter(8, spec.labels().isEmpty() ? null : JobLabels.toJson(spec.labels()))
                .executeUpdate() == 1;
    }

    private static Optional<Submission> byKey(String tenant, String key) {
        return Submission.find("tenant = ?1 and idempotencyKey = ?2", tenant, key).firstResultOptional();
    }

    /** 16 random bytes, base64url: the unguessable half of the callback URL is the token's signature. */
    private static String newId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
