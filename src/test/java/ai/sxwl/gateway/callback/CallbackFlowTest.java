package ai.sxwl.gateway.callback;

import ai.sxwl.gateway.testing.Db;
import ai.sxwl.gateway.testing.EventsTopic;
import ai.sxwl.gateway.testing.TestKafka;
import ai.sxwl.gateway.testing.TestJobs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static ai.sxwl.gateway.testing.Callbacks.body;
import static ai.sxwl.gateway.testing.Callbacks.onToken;
import static ai.sxwl.gateway.testing.Callbacks.untokened;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class CallbackFlowTest {

    private static final EventsTopic EVENTS = TestKafka.topic("sxwl.job.events");

    @Inject
    CallbackTokens tokens;

    @Inject
    ObjectMapper mapper;

    @Inject
    Db db;

    @Test
    void aSuccessCallbackPublishesOneCloudEventKeyedByJobId() throws Exception {
        String jobId = TestJobs.newJobId();
        String token = tokens.mint(TestJobs.submission("acme", jobId));
        long expires = Instant.now().plus(Duration.ofDays(30)).getEpochSecond();
        String url = TestJobs.signedModelUrl(jobId, expires);

        onToken(token, body(jobId, "success", url)).statusCode(200).body("received", equalTo(true));

        ConsumerRecord<String, String> record = awaitExactly(jobId, 1).get(0);
        assertEquals("application/cloudevents+json",
                new String(record.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8));
        JsonNode event = mapper.readTree(record.value());
        assertEquals("1.0", event.get("specversion").asText());
        assertEquals(jobId + ":succeeded", event.get("id").asText());
        assertEquals("/sxwl-gateway", event.get("source").asText());
        assertEquals("ai.sxwl.job.succeeded", event.get("type").asText());
        assertEquals(jobId, event.get("subject").asText());
        assertEquals(jobId, event.get("partitionkey").asText());
        assertEquals("00000000000000000001", event.get("sequence").asText());
        assertEquals("application/json", event.get("datacontenttype").asText());
        assertNotNull(Instant.parse(event.get("time").asText()));
        JsonNode data = event.get("data");
        assertEquals(jobId, data.get("jobId").asText());
        assertEquals("succeeded", data.get("status").asText());
        assertTrue(data.get("previousStatus").isNull());
        assertEquals("success", data.get("upstreamStatus").asText());
        assertEquals(url, data.get("modelUrl").asText());
        assertEquals(Instant.ofEpochSecond(expires), Instant.parse(data.get("modelUrlExpiresAt").asText()));
        assertEquals("callback", data.get("detectedBy").asText());
        assertEquals("acme", data.get("tenant").asText());

        assertEquals("succeeded", db.rows("SELECT status FROM job WHERE job_id = ?", jobId).get(0).get("status"));
        var receipt = db.rows("SELECT outcome, route, body FROM callback_receipt WHERE job_id = ?", jobId);
        assertEquals(1, receipt.size());
        assertEquals("applied", receipt.get(0).get("outcome"));
        assertEquals(body(jobId, "success", url), receipt.get(0).get("body"), "the raw body is kept as it came");
    }

    @Test
    void changesOfOneJobAreNumberedAndPublishedInOrder() throws Exception {
        String jobId = TestJobs.newJobId();
        String token = tokens.mint(TestJobs.submission("acme", jobId));

        onToken(token, body(jobId, "working", "")).statusCode(200);
        onToken(token, body(jobId, "success", TestJobs.signedModelUrl(jobId, 2_000_000_000L))).statusCode(200);

        List<ConsumerRecord<String, String>> records = awaitExactly(jobId, 2);
        JsonNode first = mapper.readTree(records.get(0).value());
        JsonNode second = mapper.readTree(records.get(1).value());
        assertEquals("ai.sxwl.job.running", first.get("type").asText());
        assertEquals("00000000000000000001", first.get("sequence").asText());
        assertEquals("ai.sxwl.job.succeeded", second.get("type").asText());
        assertEquals("00000000000000000002", second.get("sequence").asText());
        assertEquals("running", second.get("data").get("previousStatus").asText());
        assertEquals(records.get(0).partition(), records.get(1).partition(), "one job, one partition");
        assertTrue(records.get(0).offset() < records.get(1).offset());
        assertEquals(List.of(1L, 2L), db.rows("SELECT seq FROM job_event WHERE job_id = ? ORDER BY id", jobId)
                .stream().map(row -> ((Number) row.get("seq")).longValue()).toList());
    }

    @Test
    void aFailCallbackWithAnEmptyIdIsAttributedByItsToken() throws Exception {
        String jobId = TestJobs.newJobId();
        String token = tokens.mint(TestJobs.submission("acme", jobId));

        onToken(token, "{\"jobId\":\"\",\"status\":\"fail\",\"url\":\"\"}").statusCode(200);

        JsonNode event = mapper.readTree(awaitExactly(jobId, 1).get(0).value());
        assertEquals("ai.sxwl.job.failed", event.get("type").asText());
        assertTrue(event.get("data").get("modelUrl").isNull());
    }

    @Test
    void theDocumentedJobIdKeyWorksToo() {
        String jobId = TestJobs.newJobId();
        String token = tokens.mint(TestJobs.submission("acme", jobId));

        onToken(token, "{\"job_id\":\"" + jobId + "\",\"status\":\"fail\",\"url\":\"\",\"extra\":1}").statusCode(200);

        awaitExactly(jobId, 1);
    }

    @Test
    void anExactRepeatChangesNothing() {
        String jobId = TestJobs.newJobId();
        String token = tokens.mint(TestJobs.submission("acme", jobId));
        String body = body(jobId, "success", TestJobs.signedModelUrl(jobId, 2_000_000_000L));

        onToken(token, body).statusCode(200);
        onToken(token, body).statusCode(200);
        onToken(token, body.replace("\"jobId\"", "\"job_id\"")).statusCode(200);

        awaitExactly(jobId, 1);
        assertEquals(1, db.count("SELECT count(*) FROM callback_receipt WHERE job_id = ?", jobId));
        assertEquals(1, db.count("SELECT count(*) FROM job_event WHERE job_id = ?", jobId));
    }

    @Test
    void fiftyConcurrentIdenticalCallbacksGiveOneEvent() throws Exception {
        String jobId = TestJobs.newJobId();
        String token = tokens.mint(TestJobs.submission("acme", jobId));
        String body = body(jobId, "success", TestJobs.signedModelUrl(jobId, 2_000_000_000L));

        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<Callable<Integer>> posts = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                posts.add(() -> onToken(token, body).extract().statusCode());
            }
            for (Future<Integer> status : pool.invokeAll(posts)) {
                assertEquals(200, status.get());
            }
        } finally {
            pool.shutdown();
        }

        awaitExactly(jobId, 1);
        assertEquals(1, db.count("SELECT count(*) FROM job_event WHERE job_id = ?", jobId));
    }

    @Test
    void aConflictingTerminalReportIsRecordedAsAnAnomalyAndPublishesNothing() {
        String jobId = TestJobs.newJobId();
        String token = tokens.mint(TestJobs.submission("acme", jobId));

        onToken(token, body(jobId, "success", TestJobs.signedModelUrl(jobId, 2_000_000_000L))).statusCode(200);
        onToken(token, body(jobId, "fail", "")).statusCode(200);
        onToken(token, body(jobId, "working", "")).statusCode(200);

        awaitExactly(jobId, 1);
        assertEquals("succeeded", db.rows("SELECT status FROM job WHERE job_id = ?", jobId).get(0).get("status"));
        assertEquals(List.of("applied", "anomaly", "anomaly"),
                db.rows("SELECT outcome FROM callback_receipt WHERE job_id = ? ORDER BY id", jobId).stream()
                        .map(row -> row.get("outcome")).toList());
    }

    @Test
    void anUntrustedUntokenedCallbackIsStoredButNotApplied() {
        String jobId = TestJobs.newJobId();

        untokened(body(jobId, "success", TestJobs.signedModelUrl(jobId, 2_000_000_000L))).statusCode(200);

        assertEquals(1, db.count("SELECT count(*) FROM callback_receipt WHERE job_id = ?", jobId), "stored");
        assertEquals(0, db.count("SELECT count(*) FROM job WHERE job_id = ? AND status IS NOT NULL", jobId),
                "no job before upstream confirms one");
        awaitExactly(jobId, 0);
    }

    @Test
    void aCallbackForAJobWhoseSubmitAnswerWasLostAdoptsIt() {
        String jobId = TestJobs.newJobId();
        String submissionId = TestJobs.submission("acme", null);

        onToken(tokens.mint(submissionId), body(jobId, "success", "")).statusCode(200);

        awaitExactly(jobId, 1);
        assertEquals(jobId, db.rows("SELECT job_id FROM submission WHERE id = ?", submissionId).get(0).get("job_id"));
        assertEquals("acme", db.rows("SELECT tenant FROM job WHERE job_id = ?", jobId).get(0).get("tenant"));
    }

    @Test
    void aFailureWithNoIdOnASubmissionWithoutJobIsKeptUnconfirmed() {
        String submissionId = TestJobs.submission("acme", null);

        onToken(tokens.mint(submissionId), "{\"jobId\":\"\",\"status\":\"fail\",\"url\":\"\"}").statusCode(200);

        assertEquals("unconfirmed", db.rows("SELECT outcome FROM callback_receipt WHERE submission_id = ?",
                submissionId).get(0).get("outcome"));
    }

    private List<ConsumerRecord<String, String>> awaitExactly(String jobId, int count) {
        await().atMost(Duration.ofSeconds(20)).until(() -> EVENTS.records(jobId).size() >= count);
        // ... and no more than that: a change committed after all of this job's, in the same partition, is on the
        // topic, so anything more of this job would be there before it.
        String later = TestJobs.newJobIdInPartitionOf(jobId);
        onToken(tokens.mint(TestJobs.submission("acme", later)), body(later, "fail", "")).statusCode(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> EVENTS.records(later).size() == 1);
        assertEquals(count, EVENTS.records(jobId).size(), "events of " + jobId);
        return EVENTS.records(jobId);
    }
}
