package ai.sxwl.gateway.retention;

import ai.sxwl.gateway.testing.Db;
import ai.sxwl.gateway.testing.Jobs;
import ai.sxwl.gateway.testing.TestJobs;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Storage stays bounded: receipts and settled deliveries past their retention go, finished jobs past theirs go with
 * all they own; whatever is young, or still at work, stays. The pruner's own loop does it (every second in the test
 * profile, which keeps receipts and deliveries 30 days and finished jobs 90).
 */
@QuarkusTest
class RetentionTest {

    @Inject
    Jobs jobs;

    @Inject
    Db db;

    @Test
    void theScheduledLoopPrunesWhatIsPastItsRetentionAndNothingElse() {
        Instant now = Instant.now();
        Instant old = now.minus(Duration.ofDays(40)); // past the 30 days of receipts and deliveries, not the 90 of jobs
        Instant ancient = now.minus(Duration.ofDays(100));

        String oldJob = job("failed", now); // aged below, once everything it owns is written
        String oldRunningJob = job("running", ancient);
        String youngJob = job("succeeded", now);
        String betweenJob = job("succeeded", old);
        receipt(oldJob, ancient);
        receipt(youngJob, old);
        receipt(youngJob, now);
        receipt(betweenJob, old);
        long settledOld = delivery(youngJob, "delivered", old);
        long deadOld = delivery(youngJob, "dead", old);
        long pendingOld = delivery(youngJob, "pending", old);
        long settledYoung = delivery(youngJob, "delivered", now);
        delivery(oldJob, "delivered", ancient);
        String submission = TestJobs.submission("acme", oldJob);
        // Old only now: a round of the loop between two of the inserts above would have left some of it behind.
        jobs.update("UPDATE job SET created_at = ?, updated_at = ? WHERE job_id = ?", ancient, ancient, oldJob);
        // Written last, and due in the first step of a round: the round that removes it began after everything
        // above was written, so it judged all of it.
        String lastDue = receipt(TestJobs.newJobId(), ancient);

        await().atMost(Duration.ofSeconds(30)).until(() ->
                db.count("SELECT count(*) FROM callback_receipt WHERE dedupe_key = ?", lastDue) == 0);

        assertEquals(0, count("callback_receipt", "job_id", youngJob, "received_at < ?", old.plusSeconds(1)));
        assertEquals(1, count("callback_receipt", "job_id", youngJob, "received_at > ?", old.plusSeconds(1)));
        assertEquals(0, db.count("SELECT count(*) FROM webhook_delivery WHERE id IN (?, ?)", settledOld, deadOld));
        assertEquals(0, db.count("SELECT count(*) FROM delivery_attempt WHERE delivery_id IN (?, ?)", settledOld,
                deadOld));
        assertEquals(2, db.count("SELECT count(*) FROM webhook_delivery WHERE id IN (?, ?)", pendingOld,
                settledYoung), "a delivery still at work, and a young one, stay");
        for (String table : new String[]{"job", "job_event", "callback_receipt", "webhook_delivery", "submission"}) {
            assertEquals(0, db.count("SELECT count(*) FROM " + table + " WHERE job_id = ?", oldJob), table);
        }
        assertEquals(0, db.count("SELECT count(*) FROM submission WHERE id = ?", submission));
        assertEquals(1, db.count("SELECT count(*) FROM job WHERE job_id = ?", oldRunningJob), "not finished: kept");
        assertEquals(1, db.count("SELECT count(*) FROM job WHERE job_id = ?", youngJob));
        assertEquals(1, db.count("SELECT count(*) FROM job_event WHERE job_id = ?", youngJob));
        // 40 days: its receipt is past the receipts' 30, the job and its history within the jobs' 90.
        assertEquals(0, db.count("SELECT count(*) FROM callback_receipt WHERE job_id = ?", betweenJob));
        assertEquals(1, db.count("SELECT count(*) FROM job WHERE job_id = ?", betweenJob), "finished 40 days ago");
        assertEquals(1, db.count("SELECT count(*) FROM job_event WHERE job_id = ?", betweenJob));
        jobs.update("UPDATE job SET next_poll_at = NULL WHERE job_id = ?", oldRunningJob);
    }

    private long count(String table, String column, String value, String condition, Instant at) {
        return db.count("SELECT count(*) FROM " + table + " WHERE " + column + " = ? AND " + condition, value,
                java.sql.Timestamp.from(at));
    }

    private String job(String status, Instant at) {
        String jobId = TestJobs.newJobId();
        jobs.update("INSERT INTO job (job_id, tenant, status, seq, created_at, updated_at)"
                + " VALUES (?, 'acme', ?, 1, ?, ?)", jobId, status, at, at);
        jobs.update("INSERT INTO job_event (job_id, seq, type, state_key, status, detected_by, occurred_at)"
                + " VALUES (?, 1, ?, ?, ?, 'callback', ?)", jobId, status, status, status, at);
        return jobId;
    }

    /** Returns the receipt's dedupe key. */
    private String receipt(String jobId, Instant at) {
        String dedupeKey = UUID.randomUUID().toString();
        jobs.update("INSERT INTO callback_receipt (dedupe_key, route, job_id, status, body, outcome, received_at)"
                + " VALUES (?, 'untokened', ?, 'success', '{}', 'duplicate', ?)", dedupeKey, jobId, at);
        return dedupeKey;
    }

    private long delivery(String jobId, String state, Instant at) {
        String messageId = "msg_" + UUID.randomUUID().toString().replace("-", "");
        jobs.update("INSERT INTO webhook_delivery (message_id, tenant, target_key, url, job_id, seq, event_id,"
                        + " event_type, body, state, attempts, created_at, updated_at)"
                        + " VALUES (?, 'acme', 'job', 'http://localhost:1/', ?, 1, ?, 'ai.sxwl.job.failed', '{}', ?, 1,"
                        + " ?, ?)",
                messageId, jobId, jobId + ":failed", state, at, at);
        long id = db.count("SELECT id FROM webhook_delivery WHERE message_id = ?", messageId);
        jobs.update("INSERT INTO delivery_attempt (delivery_id, attempted_at, status_code, latency_ms)"
                + " VALUES (?, ?, 500, 3)", id, at);
        return id;
    }
}
