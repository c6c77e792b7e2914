package ai.sxwl.gateway.reconcile;

import ai.sxwl.gateway.testing.Db;
import ai.sxwl.gateway.testing.EventsTopic;
import ai.sxwl.gateway.testing.TestKafka;
import ai.sxwl.gateway.testing.Jobs;
import ai.sxwl.gateway.testing.SxwlSimulator;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static ai.sxwl.gateway.testing.Api.submit;
import static ai.sxwl.gateway.testing.Callbacks.body;
import static ai.sxwl.gateway.testing.Callbacks.untokened;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Anyone can post to the shared callback URL. Forged callbacks must not delay the polls that recover real outcomes,
 * must publish nothing, must not be polled for ever, and must not store unbounded bodies.
 */
@QuarkusTest
class AnonymousFloodTest {

    private static final int FORGED = 2000;
    /** gateway.reconcile.max-calls-per-second in the test profile. */
    private static final int CAP = 40;
    private static final EventsTopic EVENTS = TestKafka.topic("sxwl.job.events");

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    Db db;

    @Inject
    Jobs jobs;

    private final String prefix = "forged-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    private final List<StubMapping> stubs = new ArrayList<>();

    @AfterEach
    void forgetTheForgedJobs() {
        stubs.forEach(SxwlSimulator.server()::removeStub);
        jobs.update("DELETE FROM job WHERE job_id LIKE ? AND status IS NULL", prefix + "%");
    }

    @Test
    void aFloodOfForgedCallbacksDoesNotDelayTheRecoveryOfARealJob() throws Exception {
        long posting = System.nanoTime();
        postForged(FORGED);
        System.out.printf("Posted %d forged callbacks in %d ms%n", FORGED, (System.nanoTime() - posting) / 1_000_000);
        // Each forged id is held for confirmation (a job row without a status) or, on a machine slow enough that the
        // reconciler already asked upstream, given up as an anomaly; none has a status of its own.
        assertEquals(FORGED, db.count("SELECT count(DISTINCT job_id) FROM callback_receipt WHERE job_id LIKE ?",
                prefix + "%"), "every forged callback is kept as a receipt");
        assertEquals(0, db.count("SELECT count(*) FROM job WHERE job_id LIKE ? AND status IS NOT NULL",
                prefix + "%"), "no forged id has a status");
        long competing = db.count("SELECT count(*) FROM job WHERE job_id LIKE ?", prefix + "%");

        Instant submitted = Instant.now();
        String jobId = submit("acme", "sim:success-silent@300"); // its callback is lost
        await().atMost(Duration.ofSeconds(90)).until(() -> EVENTS.records(jobId).stream()
                .anyMatch(r -> r.value().contains("\"type\":\"ai.sxwl.job.succeeded\"")));
        Duration took = Duration.between(submitted, Instant.now());
        System.out.printf("During a flood of %d forged callbacks (%d still waiting for confirmation), a dropped"
                + " callback was recovered after %d ms%n", FORGED, competing, took.toMillis());
        // Behind the waiting forged ids, at the upstream cap, the real job would wait at least STARVED; a slow machine
        // only makes that longer. Known jobs go first, so it is recovered on its own schedule instead.
        Duration starved = Duration.ofSeconds(competing / CAP);
        assertTrue(competing < FORGED / 2 || took.compareTo(starved) < 0,
                "took " + took + ", as long as waiting behind " + competing + " forged ids (" + starved + ")");

        // Then the forged ids get what budget is left: upstream does not know them, so each is dropped after one
        // confirmation poll, and nothing is published for any of them (the rest are cleaned up after the test).
        await().atMost(Duration.ofSeconds(30)).until(() -> db.count("SELECT count(*) FROM callback_receipt"
                + " WHERE job_id LIKE ? AND outcome = 'anomaly'", prefix + "%") >= 100);
        assertEquals(0, db.count("SELECT count(*) FROM job_event WHERE job_id LIKE ?", prefix + "%"));
        assertEquals(0, db.count("SELECT count(*) FROM job WHERE job_id LIKE ? AND status IS NOT NULL",
                prefix + "%"));
        for (int i = 0; i < FORGED; i += 100) {
            assertTrue(EVENTS.records(prefix + i).isEmpty());
        }
    }

    @Test
    void anAnonymousIdUpstreamCannotConfirmIsGivenUpAfterItsConfirmationAttempts() {
        String jobId = prefix + "unanswered";
        stubs.add(SxwlSimulator.server().stubFor(post("/api/userJob/job_status").atPriority(1)
                .withRequestBody(containing(jobId)).willReturn(aResponse().withStatus(502).withBody("bad gateway"))));
        untokened(body(jobId, "success", "")).statusCode(200);

        for (int attempt = 1; attempt <= 5; attempt++) {
            int polled = attempt;
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> SxwlSimulator.statusRequestTimes(jobId).size() >= polled);
            jobs.update("UPDATE job SET next_poll_at = ? WHERE job_id = ?", Instant.now(), jobId);
        }
        await().atMost(Duration.ofSeconds(10)).until(() ->
                db.count("SELECT count(*) FROM job WHERE job_id = ?", jobId) == 0);
        assertEquals("not confirmed: upstream did not answer 5 attempts", db.rows(
                "SELECT note FROM callback_receipt WHERE job_id = ?", jobId).get(0).get("note"));
        int polls = SxwlSimulator.statusRequestTimes(jobId).size();
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> SxwlSimulator.statusRequestTimes(jobId).size() == polls);
        assertTrue(EVENTS.records(jobId).isEmpty());
    }

    @Test
    void aCallbackThatChangesNothingKeepsOnlyTheStartOfItsBody() {
        String jobId = prefix + "padded";
        String padded = "{\"jobId\":\"" + jobId + "\",\"status\":\"success\",\"url\":\"\",\"padding\":\""
                + "x".repeat(60_000) + "\"}";
        untokened(padded).statusCode(200);

        String kept = (String) db.rows("SELECT body FROM callback_receipt WHERE job_id = ?", jobId).get(0).get("body");
        assertTrue(kept.length() < 1100, "kept " + kept.length() + " characters");
        assertTrue(kept.startsWith("{\"jobId\":\"" + jobId), kept.substring(0, 40));
    }

    /** Posts forged untokened callbacks, 8 at a time, as an anonymous sender on the internet would. */
    private void postForged(int count) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ExecutorService senders = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String forged = body(prefix + i, "success", "https://evil.example/" + i);
                answers.add(senders.submit(() -> http.send(HttpRequest.newBuilder(
                                URI.create("http://localhost:" + port + "/callbacks/sxwl"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(forged)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode()));
            }
            for (Future<Integer> answer : answers) {
                assertEquals(200, answer.get());
            }
        } finally {
            senders.shutdown();
        }
    }
}
