package ai.sxwl.gateway.history;

import ai.sxwl.gateway.callback.CallbackTokens;
import ai.sxwl.gateway.testing.TestJobs;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static ai.sxwl.gateway.testing.Api.as;
import static ai.sxwl.gateway.testing.Callbacks.body;
import static ai.sxwl.gateway.testing.Callbacks.onToken;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /api/jobs/{id}?wait=&until=}: a request that waits for a job is answered by the change it waits for (or
 * at its deadline with the state then), holds nothing once answered, and refuses a wait it could not honour.
 */
@QuarkusTest
class JobWaitTest {

    private static final int LATENCY_SAMPLES = 20;

    @Inject
    CallbackTokens tokens;

    @Inject
    JobWatch watch;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aWaitUntilTerminalIsAnsweredByTheCallbackThatEndsTheJob() {
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < LATENCY_SAMPLES; i++) {
            Running job = running();
            String jobId = job.id();
            String token = job.token();
            int before = watch.size();
            long asked = System.nanoTime();
            CompletableFuture<Response> waiting = CompletableFuture.supplyAsync(() ->
                    as("acme").get("/api/jobs/" + jobId + "?wait=25s&until=terminal"));
            await().atMost(Duration.ofSeconds(20)).until(() -> watch.size() > before);
            assertFalse(waiting.isDone(), "a running job keeps the request waiting");

            onToken(token, body(jobId, "success", TestJobs.signedModelUrl(jobId, 1893456000L))).statusCode(200);
            long callbackAnswered = System.nanoTime();
            Response answer = waiting.join();
            long answered = System.nanoTime();

            assertEquals(200, answer.statusCode());
            assertEquals("succeeded", answer.path("status"));
            assertTrue(answered - asked < TimeUnit.SECONDS.toNanos(25), "answered by the change, not the deadline");
            assertEquals(jobId, answer.path("jobId"));
            latencies.add(TimeUnit.NANOSECONDS.toMillis(answered - callbackAnswered));
        }
        Collections.sort(latencies);
        // A benchmark line, not an assertion: how soon after the callback's own 200 the waiting request was answered.
        System.out.printf("BENCHMARK job wait: answered %d ms (median) / %d ms (max) after the 200 of the callback"
                + " that ended the job, over %d jobs%n", latencies.get(latencies.size() / 2),
                latencies.get(latencies.size() - 1), latencies.size());
        await().atMost(Duration.ofSeconds(5)).until(() -> watch.size() == 0);
    }

    @Test
    void aWaitUntilChangeIsAnsweredByTheNextChangeAndAfterNamesWhereToStart() {
        Running job = running(); // sequence 1
        String jobId = job.id();
        String token = job.token();

        // after=0: the job already passed it, answered at once
        as("acme").get("/api/jobs/" + jobId + "?wait=25s&until=change&after=0").then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("running"));
        int before = watch.size();
        CompletableFuture<Response> waiting = CompletableFuture.supplyAsync(() ->
                as("acme").get("/api/jobs/" + jobId + "?wait=25s&until=change"));
        await().atMost(Duration.ofSeconds(20)).until(() -> watch.size() > before);
        onToken(token, body(jobId, "fail", "")).statusCode(200);

        Response answer = waiting.join();
        assertEquals("failed", answer.path("status"));
        assertEquals(2, (int) answer.path("sequence"));
    }

    @Test
    void aChangeCommittedElsewhereIsFoundByTheWaitersOwnRecheck() throws Exception {
        String jobId = running().id();
        int before = watch.size();
        CompletableFuture<Response> waiting = CompletableFuture.supplyAsync(() ->
                as("acme").get("/api/jobs/" + jobId + "?wait=25s"));
        await().atMost(Duration.ofSeconds(20)).until(() -> watch.size() > before);

        // As another replica would: committed in the database, no change announced in this process.
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE job SET status = 'cancelled', seq = seq + 1 WHERE job_id = ?")) {
            update.setString(1, jobId);
            assertEquals(1, update.executeUpdate());
        }

        assertEquals("cancelled", waiting.join().path("status"));
    }

    @Test
    void atTheDeadlineTheJobIsAnsweredAsItIsThen() {
        String jobId = running().id();

        long start = System.nanoTime();
        as("acme").get("/api/jobs/" + jobId + "?wait=1500ms").then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("running"));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(1500), "waited for the whole wait");
        await().atMost(Duration.ofSeconds(5)).until(() -> watch.size() == 0);
    }

    @Test
    void aTerminalJobIsAnsweredAtOnceAndAWaitItCannotHonourIsRefused() {
        String jobId = TestJobs.newJobId();
        String token = tokens.mint(TestJobs.submission("acme", jobId));
        onToken(token, body(jobId, "fail", "")).statusCode(200);

        long start = System.nanoTime();
        as("acme").get("/api/jobs/" + jobId + "?wait=30s").then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("failed"));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(25), "not held until the deadline");

        for (String query : List.of("wait=31s", "wait=31", "wait=-1s", "wait=soon", "wait=5s&until=forever")) {
            as("acme").get("/api/jobs/" + jobId + "?" + query).then().statusCode(400)
                    .contentType("application/problem+json");
        }
        as("globex").get("/api/jobs/" + jobId + "?wait=10s").then().statusCode(404);
        as("acme").get("/api/jobs/ai-no-such-job?wait=10s").then().statusCode(404);
    }

    /** A job of acme's, running after its first callback. */
    private Running running() {
        String jobId = TestJobs.newJobId();
        String token = tokens.mint(TestJobs.submission("acme", jobId));
        onToken(token, body(jobId, "working", "")).statusCode(200);
        return new Running(jobId, token);
    }

    private record Running(String id, String token) {
    }
}
