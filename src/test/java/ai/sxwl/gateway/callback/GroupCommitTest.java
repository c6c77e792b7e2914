package ai.sxwl.gateway.callback;

import ai.sxwl.gateway.testing.Db;
import ai.sxwl.gateway.testing.TestJobs;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static ai.sxwl.gateway.testing.Callbacks.body;
import static ai.sxwl.gateway.testing.Callbacks.onToken;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Group commit: callbacks that queue while their writer is busy are stored in one transaction, each still answered
 * for itself, and one the gateway refuses does not take the others of its transaction with it.
 */
@QuarkusTest
class GroupCommitTest {

    private static final int QUEUED = 10;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    CallbackTokens tokens;

    @Inject
    CallbackConfig config;

    @Inject
    MeterRegistry registry;

    @Inject
    Db db;

    @Test
    void callbacksQueuedTogetherCommitInOneTransactionAndARefusedOneFailsAlone() throws Exception {
        String firstJob = TestJobs.newJobId();
        String firstSubmission = TestJobs.submission("acme", firstJob);
        int lane = lane(firstSubmission);
        List<String> jobs = new ArrayList<>();
        List<String> tokensOfQueued = new ArrayList<>();
        while (jobs.size() < QUEUED) {
            String jobId = TestJobs.newJobId();
            String submission = TestJobs.submission("acme", jobId);
            if (lane(submission) == lane) {
                jobs.add(jobId);
                tokensOfQueued.add(tokens.mint(submission));
            }
        }
        String unknownSubmission;
        do {
            unknownSubmission = UUID.randomUUID().toString().replace("-", "").substring(0, 22);
        } while (lane(unknownSubmission) != lane);
        String unknownToken = tokens.mint(unknownSubmission);

        ExecutorService senders = Executors.newFixedThreadPool(QUEUED + 2);
        try (Connection blocker = lockedReceipts()) {
            // The first callback's transaction waits on this lock while the others queue behind it.
            CompletableFuture<Integer> first = sendAndAwaitItsWriterBlocked(senders, firstSubmission, firstJob);
            List<CompletableFuture<Integer>> queued = new ArrayList<>();
            for (int i = 0; i < QUEUED; i++) {
                queued.add(send(senders, tokensOfQueued.get(i), jobs.get(i)));
            }
            CompletableFuture<Integer> refused = send(senders, unknownToken, TestJobs.newJobId());
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> queued() == QUEUED + 1);
            blocker.rollback();

            assertEquals(200, first.get());
            for (CompletableFuture<Integer> answer : queued) {
                assertEquals(200, answer.get(), "each queued callback answered for itself");
            }
            assertEquals(404, refused.get(), "the callback for an unknown submission is refused alone");
        } finally {
            senders.shutdownNow();
        }

        String placeholders = String.join(",", jobs.stream().map(j -> "?").toList());
        assertEquals(QUEUED, db.count("SELECT count(*) FROM job WHERE status = 'succeeded' AND job_id IN ("
                + placeholders + ")", jobs.toArray()));
        assertEquals(1, db.count("SELECT count(DISTINCT xmin::text) FROM job WHERE job_id IN (" + placeholders + ")",
                jobs.toArray()), "the queued callbacks were stored by one transaction");
        assertNotEquals(db.rows("SELECT xmin::text AS x FROM job WHERE job_id = ?", firstJob).get(0).get("x"),
                db.rows("SELECT xmin::text AS x FROM job WHERE job_id = ?", jobs.get(0)).get(0).get("x"),
                "the first callback had its own transaction");
    }

    @Test
    void aCallbackQueuedBehindAStuckWriterIsAnswered503AfterMaxWaitAndNothingOfItIsStored() throws Exception {
        String firstJob = TestJobs.newJobId();
        String firstSubmission = TestJobs.submission("acme", firstJob);
        String secondJob;
        String secondSubmission;
        do {
            secondJob = TestJobs.newJobId();
            secondSubmission = TestJobs.submission("acme", secondJob);
        } while (lane(secondSubmission) != lane(firstSubmission));

        ExecutorService senders = Executors.newFixedThreadPool(2);
        try (Connection blocker = lockedReceipts()) {
            CompletableFuture<Integer> first = sendAndAwaitItsWriterBlocked(senders, firstSubmission, firstJob);
            CompletableFuture<Integer> second = send(senders, tokens.mint(secondSubmission), secondJob);

            // max-wait is 4 s in tests, the statement timeout 8 s: the queued one is answered while the first waits.
            assertEquals(503, second.get());
            assertFalse(first.isDone(), "the writer was still stuck on the first callback");
            blocker.rollback();
            assertEquals(200, first.get());
        } finally {
            senders.shutdownNow();
        }
        assertEquals(0, db.count("SELECT count(*) FROM callback_receipt WHERE job_id = ?", secondJob));
        assertEquals(0, db.count("SELECT count(*) FROM job WHERE job_id = ?", secondJob));
        assertEquals(0.0, queued());
    }

    /** A connection whose open transaction holds the receipts table: a writer's commit of receipts waits on it. */
    private Connection lockedReceipts() throws Exception {
        Connection blocker = dataSource.getConnection();
        blocker.setAutoCommit(false);
        try (Statement statement = blocker.createStatement()) {
            statement.execute("LOCK TABLE callback_receipt IN ACCESS EXCLUSIVE MODE");
        }
        return blocker;
    }

    private CompletableFuture<Integer> sendAndAwaitItsWriterBlocked(ExecutorService senders, String submission,
                                                                   String jobId) {
        CompletableFuture<Integer> answer = send(senders, tokens.mint(submission), jobId);
        await().atMost(Duration.ofSeconds(10)).until(() -> queued() == 0 && db.count(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'") > 0);
        return answer;
    }

    private CompletableFuture<Integer> send(ExecutorService senders, String token, String jobId) {
        return CompletableFuture.supplyAsync(() -> onToken(token, body(jobId, "success", "")).extract().statusCode(),
                senders);
    }

    private int lane(String submissionId) {
        return Math.floorMod(submissionId.hashCode(), config.writers());
    }

    private double queued() {
        return registry.get("gateway.callbacks.queued").gauge().value();
    }
}
