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

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Storage stays bounded: receipts and settled deliveries past their retention go, finished jobs past theirs go with
 * all they own; whatever is young, or still at work, stays. (The test profile keeps finished jobs 90 days.)
 */
@QuarkusTest
class RetentionTest {

    @Inject
    RetentionPruner pruner;

    @Inject
    Jobs jobs;

    @Inject
    Db db;

    @Test
    void whatIsPastItsRetentionIsPrunedAndNothingElse() {
        Instant now = Instant.now();
        Instant old = now.minus(Duration.ofDays(40));
        Instant ancient = now.minus(Duration.ofDays(100));

        String oldJob = job("failed", ancient);
        String oldRunningJob = job("running", ancient);
        String youngJob = job("succeeded", now);
        receipt(oldJob, ancient);
        receipt(youngJob, old);
        receipt(youngJob, now);
        long settledOld = delivery(youngJob, "delivered", old);
        long deadOld = delivery(youngJob, "dead", old);
        long pendingOld = delivery(youngJob, "pending", old);
        long settledYoung = delivery(youngJob, "delivered", now);
        delivery(oldJob, "delivered", ancient);
        String submission = TestJobs.submission("acme", oldJob);

        while (pruner.pruneOnce(now) > 0) {
            // batch after batch until nothing more is due
        }

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

    private void receipt(String jobId, Instant at) {
        jobs.update("INSERT INTO callback_receipt (dedupe_key, route, job_id, status, body, outcome, received_at)"
                + " VALUES (?, 'untokened', ?, 'success', '{}', 'duplicate', ?)", UUID.randomUUID().toString(), jobId,
                at);
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
