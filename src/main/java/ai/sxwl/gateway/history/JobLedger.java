package ai.sxwl.gateway.history;

import ai.sxwl.gateway.observability.TraceContext;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The job state machine. All changes of a job go through here, inside the caller's transaction and under the job's
 * row lock: the lock serializes concurrent reports for one job, and the change number comes from the locked row, so
 * changes are numbered without gaps and a rollback leaves none.
 */
@ApplicationScoped
public class JobLedger {

    /** The event type of a timed job that overran: an event, not a state. */
    public static final String STALLED = "stalled";
    /** The event type of a succeeded job whose model URL became known (or was refreshed) after its success. */
    public static final String MODEL_AVAILABLE = "model_available";

    private static final int MAX_SEARCH_TEXT = 2048;
    private static final Set<String> SEARCH_SKIPS = Set.of("runCommand", "callbackUrl");

    private final EntityManager em;
    private final Event<JobChanged> changes;
    private final ObjectMapper mapper;

    JobLedger(EntityManager em, Event<JobChanged> changes, ObjectMapper mapper) {
        this.em = em;
        this.changes = changes;
        this.mapper = mapper;
    }

    /**
     * Applies a report to a job, creating the job on the fly for {@code owner} if it is not known yet (its first
     * change then has no previous status; a transaction creating the same job meanwhile is waited for).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public ReportOutcome report(String jobId, JobOwner owner, StatusReport report) {
        Job job = lockOrCreate(jobId, owner, report.at());
        return ownedBy(job, owner) ? apply(job, report) : ReportOutcome.ANOMALY;
    }

    /**
     * The same, for the callback writer, which has just looked the job up under its row lock ({@link Job#lock}; null:
     * not known): no second look-up, and a job not known yet is inserted once, in its first state, not inserted empty,
     * locked again and updated (a first state that the reconciler polls still gets its next poll by an update). If
     * another transaction creates the same job meanwhile, this one fails on the job's primary key (SQLState 23505):
     * the callback writer then stores its callbacks again one at a time, and the job is found.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public ReportOutcome reportLookedUp(Job locked, String jobId, JobOwner owner, StatusReport report) {
        Job job = locked == null ? created(jobId, owner, report.at()) : adopted(locked, owner);
        return ownedBy(job, owner) ? apply(job, report) : ReportOutcome.ANOMALY;
    }

    /**
     * Records that the proxy submitted a job: its first change, unless a callback for it overtook the answer.
     *
     * @param expectedEndAt for a timed job (stopType 1) submit time + stopTime, else null
     * @param traceparent   the submit request's trace context, or null
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public ReportOutcome submitted(String jobId, JobOwner owner, Instant at, Instant expectedEndAt,
                                   String traceparent) {
        Job job = lockOrCreate(jobId, owner, at);
        if (!ownedBy(job, owner)) {
            return ReportOutcome.ANOMALY;
        }
        if (job.expectedEndAt == null) {
            job.expectedEndAt = expectedEndAt;
        }
        return apply(job, new StatusReport(JobStatus.SUBMITTED, null, null, DetectedBy.SUBMIT, at, traceparent));
    }

    /** A timed job runs past its expected end plus the grace period: one {@code stalled} event, its state unchanged. */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean stalled(Job job, Instant at) {
        if (job.status == null || job.status.terminal() || JobEvent.count("jobId = ?1 and type = ?2", job.jobId,
                STALLED) > 0) {
            return false;
        }
        record(job, STALLED, new StatusReport(job.status, null, null, DetectedBy.POLL, at, TraceContext.current()));
        return true;
    }

    /**
     * The job, locked; created without a status (seq 0) for {@code owner} when it is not known yet, waiting for a
     * transaction that creates it concurrently. A submission is attached to a job only of its own tenant, or to one
     * that no tenant has yet (named only by an unconfirmed callback, no status): a job never changes hands once it
     * has a history.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Job lockOrCreate(String jobId, JobOwner owner, Instant at) {
        Job job = Job.lock(jobId);
        return adopted(job == null ? createLocked(jobId, owner.tenant(), at) : job, owner);
    }

    /** A new job of {@code owner}, without a status yet; persisted by its first change ({@link #record}). */
    private Job created(String jobId, JobOwner owner, Instant at) {
        Job job = new Job();
        job.jobId = jobId;
        job.tenant = owner.tenant();
        job.createdAt = at;
        job.updatedAt = at;
        return adopted(job, owner);
    }

    /** The locked job, attached to {@code owner}'s submission where the rules above allow it. */
    private Job adopted(Job job, JobOwner owner) {
        if (owner.submissionId() != null && job.status == null) {
            job.tenant = owner.tenant(); // upstream gave this id to the submission's tenant
        }
        if (job.submissionId == null && owner.submissionId() != null && job.tenant.equals(owner.tenant())) {
            job.submissionId = owner.submissionId();
            job.submission = owner.submissionJson();
            job.searchText = searchText(job.jobId, owner.submissionJson());
            if (job.labels == null) {
                job.labels = owner.labelsJson();
            }
        }
        return job;
    }

    /** A report changes only its owner's job, and one for a submission only that submission's job. */
    private static boolean ownedBy(Job job, JobOwner owner) {
        return job.tenant.equals(owner.tenant())
                && (owner.submissionId() == null || owner.submissionId().equals(job.submissionId));
    }

    /** Applies a report to a job whose row the caller holds locked. */
    private ReportOutcome apply(Job job, StatusReport report) {
        if (job.status == report.status()) {
            if (job.status == JobStatus.SUCCEEDED && report.modelUrl() != null
                    && !report.modelUrl().equals(job.modelUrl)) {
                record(job, MODEL_AVAILABLE, report);
                return ReportOutcome.MODEL_AVAILABLE;
            }
            return ReportOutcome.DUPLICATE;
        }
        if (job.status != null && report.status() == JobStatus.SUBMITTED) {
            return ReportOutcome.DUPLICATE; // the submit answer came after a callback: the job is past it
        }
        if (job.status != null && job.status.terminal()) {
            return ReportOutcome.ANOMALY;
        }
        record(job, report.status().wire(), report);
        return ReportOutcome.APPLIED;
    }

    private void record(Job job, String type, StatusReport report) {
        JobStatus previous = job.status;
        job.seq += 1;
        job.status = report.status();
        job.updatedAt = report.at();
        if (report.upstreamStatus() != null) {
            job.upstreamStatus = report.upstreamStatus().wire();
        }
        if (report.modelUrl() != null) {
            job.modelUrl = report.modelUrl();
            job.modelUrlExpiresAt = ModelUrls.expiresAt(report.modelUrl());
        }

        if (!em.contains(job)) {
            // A new job (created): persisted now that it holds its first state, which its row is inserted with (a
            // persisted entity is inserted as it was at persist; a later change would be a second write, an update).
            em.persist(job);
        }

        JobEvent event = new JobEvent();
        event.jobId = job.jobId;
        event.seq = job.seq;
        event.type = type;
        event.stateKey = MODEL_AVAILABLE.equals(type) ? null : type;
        event.status = job.status;
        event.previousStatus = previous;
        event.upstreamStatus = report.upstreamStatus() == null ? null : report.upstreamStatus().wire();
        event.detectedBy = report.detectedBy().wire();
        event.modelUrl = job.modelUrl;
        event.modelUrlExpiresAt = job.modelUrlExpiresAt;
        event.occurredAt = report.at();
        event.tenant = job.tenant;
        event.traceparent = report.traceparent();
        event.labels = job.labels;
        event.persist();

        changes.fire(new JobChanged(job.jobId, job.tenant, job.seq, type, job.status, previous,
                report.upstreamStatus(), job.modelUrl, job.modelUrlExpiresAt, report.detectedBy(), report.at(),
                job.submission, job.labels, report.traceparent()));
    }

    /**
     * What the history's {@code q} searches besides the job id: the text values of the spec's fields (the names of
     * the GPU, image, model, dataset and paths), lower-cased, at most 2048 characters; null without a spec. Not the run
     * command or env.
     */
    private String searchText(String jobId, String submissionJson) {
        if (submissionJson == null) {
            return null;
        }
        StringJoiner text = new StringJoiner(" ");
        try {
            mapper.readTree(submissionJson).properties().forEach(field -> {
                if (field.getValue().isTextual() && !SEARCH_SKIPS.contains(field.getKey())) {
                    text.add(field.getValue().textValue());
                }
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The stored spec of job " + jobId + " is not JSON", e);
        }
        String lower = text.toString().toLowerCase(Locale.ROOT);
        return lower.length() <= MAX_SEARCH_TEXT ? lower : lower.substring(0, MAX_SEARCH_TEXT);
    }

    /**
     * Inserts the job unless a concurrent transaction did (INSERT ... ON CONFLICT DO NOTHING waits for that one to
     * commit), then locks it. A job created here has no status (and seq 0) until its first change is recorded,
     * which every caller does in the same transaction.
     */
    private Job createLocked(String jobId, String tenant, Instant at) {
        em.createNativeQuery("INSERT INTO job (job_id, tenant, status, seq, created_at, updated_at)"
                        + " VALUES (?1, ?2, NULL, 0, ?3, ?3) ON CONFLICT DO NOTHING")
                .setParameter(1, jobId)
                .setParameter(2, tenant)
                .setParameter(3, at)
                .executeUpdate();
        return Job.lock(jobId);
    }
}
