package ai.sxwl.gateway.reconcile;

import ai.sxwl.gateway.testing.Db;
import ai.sxwl.gateway.testing.EventsTopic;
import ai.sxwl.gateway.testing.TestKafka;
import ai.sxwl.gateway.testing.Jobs;
import ai.sxwl.gateway.testing.SxwlSimulator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static ai.sxwl.gateway.testing.Api.as;
import static ai.sxwl.gateway.testing.Api.submit;
import static ai.sxwl.gateway.testing.Callbacks.body;
import static ai.sxwl.gateway.testing.Callbacks.untokened;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The reconciler against the SXWL simulator, at test speed (initial-delay 2s, max-interval 5s, stall-grace 2s).
 *
 * <p>Two proofs are about real time, and take longer than everything else here together: the back-off schedule (five
 * polls, about 18 s) and a "nothing more is polled" window longer than the longest interval between two polls. Each
 * starts its job first ({@link #startTheScheduleJob()}, or where the polled job ends) and is checked last
 * ({@link Order} {@link #LAST}), so that their waits overlap the other tests instead of adding to them.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReconcilerTest {

    private static final int LAST = Integer.MAX_VALUE;

    private static final EventsTopic EVENTS = TestKafka.topic("sxwl.job.events");
    private static final Duration INITIAL_DELAY = Duration.ofSeconds(2);
    private static final Duration MAX_INTERVAL = Duration.ofSeconds(5);
    /** Longer than the longest interval between two polls: max-interval +20% jitter, and a margin. */
    private static final Duration NOTHING_MORE = MAX_INTERVAL.multipliedBy(12).dividedBy(10).plusSeconds(2);

    @Inject
    ObjectMapper mapper;

    @Inject
    Db db;

    @Inject
    Jobs jobs;

    @Inject
    MeterRegistry registry;

    private final List<StubMapping> stubs = new ArrayList<>();

    /** The job whose polls prove the schedule: nothing in this class ever moves its next_poll_at. */
    private static String scheduleJob;
    private static Instant scheduleJobSubmitted;
    /** A terminal job with its model URL, and how many polls it had when it got there. */
    private static String finishedJob;
    private static Instant finishedAt;

    /** Before the first test (not in a {@code BeforeAll}: the HTTP client knows the gateway's port only per test). */
    @BeforeEach
    void startTheScheduleJob() {
        if (scheduleJob == null) {
            scheduleJobSubmitted = Instant.now();
            scheduleJob = submit("acme", "keeps working");
        }
    }

    @AfterEach
    void removeStubs() {
        stubs.forEach(SxwlSimulator.server()::removeStub);
    }

    @Test
    void aDroppedCallbackIsRecoveredByPollingWithinInitialDelayPlusOneInterval() {
        double recoveredBefore = registry.counter("gateway.missed.callbacks.recovered").count();
        Instant submitted = Instant.now();
        String jobId = submit("acme", "sim:success-silent@300"); // ends after 0.3 s; its callback is lost

        await().atMost(Duration.ofSeconds(15)).until(() -> types(jobId).contains("ai.sxwl.job.succeeded"));
        Duration took = Duration.between(submitted, Instant.now());
        System.out.printf("Dropped callback recovered by polling after %d ms%n", took.toMillis());
        // First poll at initial-delay (+20% jitter); one back-off interval (2x) is the allowance on top.
        assertTrue(took.compareTo(INITIAL_DELAY.multipliedBy(12).dividedBy(10).plus(INITIAL_DELAY.multipliedBy(2))
                .plusSeconds(1)) < 0, "took " + took);
        JsonNode succeeded = event(jobId, "ai.sxwl.job.succeeded");
        assertEquals("poll", succeeded.get("data").get("detectedBy").asText());
        assertTrue(succeeded.get("data").get("modelUrl").asText().contains("Expires="));
        assertTrue(registry.counter("gateway.missed.callbacks.recovered").count() > recoveredBefore);
    }

    @Test
    void aCallbackAndAPollReportingTheSameOutcomeGiveOneEvent() {
        String jobId = submit("acme", "sim:success@1900"); // the callback lands around the first poll

        await().atMost(Duration.ofSeconds(15)).until(() -> types(jobId).contains("ai.sxwl.job.succeeded"));
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(8))
                .until(() -> types(jobId).stream().filter(t -> t.endsWith("succeeded")).count() == 1);
        assertEquals(1, db.count("SELECT count(*) FROM job_event WHERE job_id = ? AND type = 'succeeded'", jobId));
    }

    @Test
    void aSuccessCallbackWithoutAModelUrlHasItsUrlFetchedByPolling() {
        String jobId = submit("acme", "sim:success-nourl@100");

        await().atMost(Duration.ofSeconds(15)).until(() -> types(jobId).contains("ai.sxwl.job.succeeded"));
        assertTrue(event(jobId, "ai.sxwl.job.succeeded").get("data").get("modelUrl").isNull());
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> as("acme").get("/api/jobs/" + jobId).then()
                .body("modelUrl", org.hamcrest.Matchers.containsString("Expires=")));
        // Consumers learn the URL too: one model_available event, the next change of the job.
        await().atMost(Duration.ofSeconds(10)).until(() -> types(jobId).contains("ai.sxwl.job.model_available"));
        JsonNode available = event(jobId, "ai.sxwl.job.model_available");
        assertEquals("00000000000000000003", available.get("sequence").asText());
        assertEquals(jobId + ":model_available:3", available.get("id").asText());
        assertTrue(available.get("data").get("modelUrl").asText().contains("Expires="));
        assertTrue(available.get("data").hasNonNull("modelUrlExpiresAt"));
        assertEquals("succeeded", available.get("data").get("status").asText());
        assertEquals(List.of("ai.sxwl.job.submitted", "ai.sxwl.job.succeeded", "ai.sxwl.job.model_available"),
                types(jobId));
        // Then polling stops: the job is terminal and its URL known (watched by pollingStopsOnceAJobIsTerminal...).
        finishedJob = jobId;
        finishedAt = Instant.now();
    }

    /**
     * Watched for longer than the longest interval between two polls (max-interval and its jitter), the only such
     * window here: elsewhere the schedule is read where the reconciler reads it (next_poll_at). Its window began when
     * {@link #aSuccessCallbackWithoutAModelUrlHasItsUrlFetchedByPolling} ended, so it runs last.
     */
    @Test
    @Order(LAST)
    void pollingStopsOnceAJobIsTerminalAndItsModelUrlKnown() {
        assumeTrue(finishedJob != null, "runs after the model URL test");
        await().atMost(NOTHING_MORE.plusSeconds(5))
                .until(() -> Duration.between(finishedAt, Instant.now()).compareTo(NOTHING_MORE) > 0);
        assertEquals(List.of(), SxwlSimulator.statusRequestTimes(finishedJob).stream()
                .filter(poll -> poll.isAfter(finishedAt)).toList(), "no poll after the job ended with its URL");
        assertEquals(List.of("ai.sxwl.job.submitted", "ai.sxwl.job.succeeded", "ai.sxwl.job.model_available"),
                types(finishedJob));
    }

    @Test
    void throttlingAndRefusalsOtherThanUnknownJobBackOffAndNeverMakeAJobLost() {
        String jobId = submit("acme", "keeps working");
        await().atMost(Duration.ofSeconds(15)).until(() -> types(jobId).contains("ai.sxwl.job.running"));
        List<ResponseDefinitionBuilder> answers = List.of(
                aResponse().withStatus(429).withHeader("Retry-After", "1").withBody("slow down"),
                aResponse().withStatus(403).withBody("forbidden"),
                aResponse().withStatus(404).withBody("{\"message\":\"no route\"}"),
                aResponse().withStatus(503).withBody("maintenance"));
        for (ResponseDefinitionBuilder answer : answers) {
            StubMapping stub = SxwlSimulator.server().stubFor(post("/api/userJob/job_status").atPriority(1)
                    .withRequestBody(containing(jobId)).willReturn(answer));
            stubs.add(stub);
            // lost-after (3) answers of each kind, and one more, polled at once instead of on the back-off schedule
            for (int i = 0; i < 4; i++) {
                pollNow(jobId);
            }
            SxwlSimulator.server().removeStub(stub);
            stubs.remove(stub);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> failedPolls(jobId) >= 16);
        assertEquals(0, db.count("SELECT not_found_polls FROM job WHERE job_id = ?", jobId));
        as("acme").get("/api/jobs/" + jobId).then().body("status", equalTo("running"));
        assertFalse(types(jobId).contains("ai.sxwl.job.lost"));

        SxwlSimulator.finish(jobId, true);
        pollNow(jobId);
        await().atMost(Duration.ofSeconds(20)).until(() -> types(jobId).contains("ai.sxwl.job.succeeded"));
    }

    /**
     * The schedule, by the scheduler alone (nothing here moves the schedule job's next_poll_at): every other test takes
     * shortcuts. Its job was submitted before the first test; checked last, its polls have mostly happened by then.
     */
    @Test
    @Order(LAST)
    void quietPollsBackOffFromTheInitialDelayUpToTheMaxIntervalAndTheFirstWorkingMovesTheJobToRunningOnce() {
        Instant submitted = scheduleJobSubmitted;
        String jobId = scheduleJob;

        await().atMost(Duration.ofSeconds(15)).until(() -> types(jobId).contains("ai.sxwl.job.running"));
        JsonNode running = event(jobId, "ai.sxwl.job.running");
        assertEquals("poll", running.get("data").get("detectedBy").asText());
        assertEquals("submitted", running.get("data").get("previousStatus").asText());
        // More polls follow, all "working": no second running event. After news (the submit, then running) the next
        // poll is initial-delay away; each quiet poll doubles that, up to max-interval (each ±20%).
        await().atMost(Duration.ofSeconds(60)).until(() -> SxwlSimulator.statusRequestTimes(jobId).size() >= 5);
        assertEquals(List.of("ai.sxwl.job.submitted", "ai.sxwl.job.running"), types(jobId));
        List<Instant> polls = new ArrayList<>(SxwlSimulator.statusRequestTimes(jobId).subList(0, 5));
        polls.add(0, submitted);
        List<Duration> schedule = List.of(INITIAL_DELAY, INITIAL_DELAY, INITIAL_DELAY.multipliedBy(2), MAX_INTERVAL,
                MAX_INTERVAL);
        for (int i = 0; i < schedule.size(); i++) {
            Duration gap = Duration.between(polls.get(i), polls.get(i + 1));
            assertTrue(gap.compareTo(schedule.get(i).multipliedBy(8).dividedBy(10)) >= 0,
                    "poll " + (i + 1) + " not before its time (" + schedule.get(i) + " -20%): " + polls);
        }
        // Capped: a fourth doubling (16 s, never under 12.8 s) would not fit before this bound.
        Duration last = Duration.between(polls.get(4), polls.get(5));
        assertTrue(last.compareTo(MAX_INTERVAL.multipliedBy(12).dividedBy(10).plusSeconds(4)) < 0,
                "the interval stops growing at max-interval: " + polls);
    }

    @Test
    void aTimedJobStillWorkingAfterItsEndPlusGraceIsStalledOnce() {
        String jobId = as("acme").body(ai.sxwl.gateway.testing.Api.spec("keeps working")).post("/api/userJob")
                .then().statusCode(200).extract().path("job_id");
        // The spec says stopTime 5 minutes; let those minutes have passed.
        jobs.update("UPDATE job SET expected_end_at = ?, next_poll_at = ? WHERE job_id = ?",
                Instant.now().minusSeconds(5), Instant.now(), jobId);

        await().atMost(Duration.ofSeconds(15)).until(() -> types(jobId).contains("ai.sxwl.job.stalled"));
        JsonNode stalled = event(jobId, "ai.sxwl.job.stalled");
        assertEquals("running", stalled.get("data").get("status").asText());
        pollNow(jobId);
        pollNow(jobId);
        assertEquals(1, types(jobId).stream().filter(t -> t.endsWith("stalled")).count());
    }

    @Test
    void errorsAndGarbageBackTheJobOffWithoutLosingIt() {
        String jobId = submit("acme", "keeps working");
        stubs.add(SxwlSimulator.server().stubFor(post("/api/userJob/job_status").atPriority(1)
                .withRequestBody(containing(jobId)).willReturn(aResponse().withStatus(500).withBody("boom"))));

        pollNow(jobId);
        pollNow(jobId);
        await().atMost(Duration.ofSeconds(10)).until(() -> failedPolls(jobId) >= 2);
        SxwlSimulator.server().removeStub(stubs.remove(0));
        stubs.add(SxwlSimulator.server().stubFor(post("/api/userJob/job_status").atPriority(1)
                .withRequestBody(containing(jobId)).willReturn(aResponse().withStatus(200).withBody("<html>"))));
        pollNow(jobId);
        await().atMost(Duration.ofSeconds(10)).until(() -> failedPolls(jobId) >= 3);

        // The reconciler's own next poll after a failure: backed off, not at once.
        Instant lastPoll = SxwlSimulator.statusRequestTimes(jobId).get(SxwlSimulator.statusRequestTimes(jobId).size()
                - 1);
        Instant next = ((java.sql.Timestamp) db.rows("SELECT next_poll_at FROM job WHERE job_id = ?", jobId).get(0)
                .get("next_poll_at")).toInstant();
        assertTrue(Duration.between(lastPoll, next).compareTo(INITIAL_DELAY.multipliedBy(8).dividedBy(10)) >= 0,
                "failures back off instead of hammering: next poll " + next + " after " + lastPoll);
        as("acme").get("/api/jobs/" + jobId).then().statusCode(200).body("status", equalTo("submitted"));

        SxwlSimulator.server().removeStub(stubs.remove(0));
        SxwlSimulator.finish(jobId, true);
        pollNow(jobId);
        await().atMost(Duration.ofSeconds(20)).until(() -> types(jobId).contains("ai.sxwl.job.succeeded"));
    }

    @Test
    void aForgedUntokenedSuccessIsAnAnomalyAndPublishesNothing() {
        String jobId = submit("acme", "keeps working");
        await().atMost(Duration.ofSeconds(15)).until(() -> types(jobId).contains("ai.sxwl.job.running"));

        untokened(body(jobId, "success", "https://evil.example/model.bin")).statusCode(200);

        await().atMost(Duration.ofSeconds(15)).until(() -> "anomaly".equals(receiptOutcome(jobId)));
        assertEquals(List.of("ai.sxwl.job.submitted", "ai.sxwl.job.running"), types(jobId));
        as("acme").get("/api/jobs/" + jobId).then().body("status", equalTo("running"));

        String unknown = "ai" + java.util.UUID.randomUUID();
        untokened(body(unknown, "success", "https://evil.example/model.bin")).statusCode(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> "anomaly".equals(receiptOutcome(unknown)));
        assertEquals(0, db.count("SELECT count(*) FROM job WHERE job_id = ?", unknown));
        assertTrue(EVENTS.records(unknown).isEmpty());
    }

    @Test
    void aGenuineUntokenedCallbackIsConfirmedThenApplied() {
        String jobId = SxwlSimulator.openJobs(1).get(0); // submitted to SXWL directly, not through the proxy
        SxwlSimulator.finish(jobId, true);

        untokened(body(jobId, "success", "https://evil.example/not-what-upstream-says")).statusCode(200);

        await().atMost(Duration.ofSeconds(15)).until(() -> types(jobId).contains("ai.sxwl.job.succeeded"));
        JsonNode succeeded = event(jobId, "ai.sxwl.job.succeeded");
        assertEquals("callback", succeeded.get("data").get("detectedBy").asText());
        assertEquals("acme", succeeded.get("data").get("tenant").asText());
        assertTrue(succeeded.get("data").get("modelUrl").asText().startsWith("https://sxwl-sim"),
                "the model URL is upstream's, not the callback's");
        await().atMost(Duration.ofSeconds(5)).until(() -> "applied".equals(receiptOutcome(jobId)));
    }

    @Test
    void aJobUpstreamForgetsIsLostAfterSeveralNotFoundPolls() {
        String jobId = submit("acme", "keeps working");
        stubs.add(SxwlSimulator.server().stubFor(post("/api/userJob/job_status").atPriority(1)
                .withRequestBody(containing(jobId))
                .willReturn(aResponse().withStatus(400).withBody("{\"message\":\"job not found\"}"))));

        for (int notFound = 0; db.count("SELECT count(*) FROM job WHERE job_id = ? AND status = 'lost'", jobId) == 0;
             notFound++) {
            assertTrue(notFound < 10, "lost after a few not-found polls");
            long before = notFoundPolls(jobId);
            pollNow(jobId);
            await().atMost(Duration.ofSeconds(10)).until(() -> notFoundPolls(jobId) > before
                    || db.count("SELECT count(*) FROM job WHERE job_id = ? AND status = 'lost'", jobId) > 0);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> types(jobId).contains("ai.sxwl.job.lost"));
        assertTrue(SxwlSimulator.statusRequestTimes(jobId).size() >= 3, "several not-found polls first");
        // And it is polled no more: no next poll for the reconciler to find.
        assertEquals(List.of(), db.rows("SELECT next_poll_at FROM job WHERE job_id = ? AND next_poll_at IS NOT NULL",
                jobId));
    }

    /**
     * Has the reconciler poll this job now instead of on its back-off schedule (the shortcut of every test but the
     * one that proves the schedule): moves its next poll to now and waits for that poll upstream. (Moved while a
     * poll is in flight, the poll's own record sets the next one again: then it comes on the schedule.)
     */
    private void pollNow(String jobId) {
        int before = SxwlSimulator.statusRequestTimes(jobId).size();
        jobs.update("UPDATE job SET next_poll_at = ? WHERE job_id = ? AND next_poll_at IS NOT NULL", Instant.now(),
                jobId);
        await().atMost(Duration.ofSeconds(20)).until(() -> SxwlSimulator.statusRequestTimes(jobId).size() > before);
    }

    private long notFoundPolls(String jobId) {
        return db.count("SELECT not_found_polls FROM job WHERE job_id = ?", jobId);
    }

    private long failedPolls(String jobId) {
        return db.count("SELECT failed_polls FROM job WHERE job_id = ?", jobId);
    }

    private String receiptOutcome(String jobId) {
        var rows = db.rows("SELECT outcome FROM callback_receipt WHERE job_id = ?", jobId);
        return rows.isEmpty() ? null : (String) rows.get(0).get("outcome");
    }

    private List<String> types(String jobId) {
        return EVENTS.records(jobId).stream().map(r -> read(r).get("type").asText()).toList();
    }

    private JsonNode event(String jobId, String type) {
        return EVENTS.records(jobId).stream().map(this::read).filter(e -> e.get("type").asText().equals(type))
                .findFirst().orElseThrow();
    }

    private JsonNode read(ConsumerRecord<String, String> record) {
        try {
            return mapper.readTree(record.value());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
