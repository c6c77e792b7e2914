package ai.sxwl.gateway.submit;

import ai.sxwl.gateway.testing.Api;
import ai.sxwl.gateway.testing.Db;
import ai.sxwl.gateway.testing.EventsTopic;
import ai.sxwl.gateway.testing.TestKafka;
import ai.sxwl.gateway.testing.SxwlSimulator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static ai.sxwl.gateway.testing.Api.as;
import static ai.sxwl.gateway.testing.Api.spec;
import static ai.sxwl.gateway.testing.Api.submit;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class SubmitProxyTest {

    private static final EventsTopic EVENTS = TestKafka.topic("sxwl.job.events");

    @Inject
    ObjectMapper mapper;

    @Inject
    Db db;

    @ConfigProperty(name = "gateway.public-base-url")
    String publicBaseUrl;

    @Test
    void upstreamGetsTheGatewaysCallbackUrlAndTheFormsItParses() throws Exception {
        String jobId = submit("acme", "keeps working");

        LoggedRequest create = SxwlSimulator.createRequestOf(jobId);
        JsonNode sent = mapper.readTree(create.getBodyAsString());
        assertTrue(sent.get("callbackUrl").asText().startsWith(publicBaseUrl + "/callbacks/sxwl/"),
                sent.get("callbackUrl").asText());
        assertEquals("Bearer " + SxwlSimulator.TENANT_TOKENS.get("acme"),
                create.getHeader("Authorization"));
        assertTrue(sent.get("gpuNumber").isInt());
        assertTrue(sent.get("stopTime").isInt(), "stopTime as a number, though the caller sent \"5\"");
        assertEquals("1", sent.get("stopType").asText());
        assertTrue(sent.get("stopType").isTextual());
        assertTrue(sent.get("modelVol").isTextual(), "modelVol as a string, though the caller sent 10000");
        assertEquals("future-field-kept", sent.get("pretrainedModelId").asText(), "unknown fields pass through");
        assertEquals("9999-node-token-secret", sent.get("env").get("OPEN_NODE_TOKEN").asText(),
                "env reaches the job's pod unredacted");

        var row = db.rows("SELECT callback_target, spec FROM submission WHERE job_id = ?", jobId).get(0);
        assertEquals("https://llm.nascentcore.cn/api/test/callback", row.get("callback_target"),
                "the caller's callbackUrl is kept as the job's downstream target");
        assertFalse(((String) row.get("spec")).contains("9999-node-token-secret"));
    }

    @Test
    void theSimulatorsCallbackOnTheTokenRouteGivesSubmittedThenSucceeded() throws Exception {
        String jobId = submit("acme", "sim:success");

        await().atMost(Duration.ofSeconds(20)).until(() -> EVENTS.records(jobId).size() >= 2);
        JsonNode submitted = mapper.readTree(EVENTS.records(jobId).get(0).value());
        JsonNode succeeded = mapper.readTree(EVENTS.records(jobId).get(1).value());
        assertEquals("ai.sxwl.job.submitted", submitted.get("type").asText());
        assertEquals("submit", submitted.get("data").get("detectedBy").asText());
        assertEquals("***", submitted.get("data").get("submission").get("env").get("OPEN_NODE_TOKEN").asText());
        assertEquals("ai.sxwl.job.succeeded", succeeded.get("type").asText());
        assertEquals("callback", succeeded.get("data").get("detectedBy").asText());
        assertTrue(succeeded.get("data").get("modelUrl").asText().contains("Expires="));
        assertEquals("00000000000000000002", succeeded.get("sequence").asText());

        as("acme").get("/api/jobs/" + jobId + "/events").then().statusCode(200)
                .body("type", equalTo(List.of("submitted", "succeeded")))
                .body("detectedBy", equalTo(List.of("submit", "callback")));
    }

    @Test
    void aFailureCallbackWithAnEmptyIdIsAttributedToItsJob() {
        String jobId = submit("acme", "sim:fail");

        await().atMost(Duration.ofSeconds(20)).until(() -> EVENTS.records(jobId).size() >= 2);
        assertTrue(EVENTS.records(jobId).get(1).value().contains("\"type\":\"ai.sxwl.job.failed\""));
        as("acme").get("/api/jobs/" + jobId).then().statusCode(200).body("status", equalTo("failed"));
    }

    @Test
    void aCallbackSentTwiceGivesOneEvent() {
        String jobId = submit("acme", "sim:success-twice");

        await().atMost(Duration.ofSeconds(20)).until(() -> EVENTS.records(jobId).size() >= 2);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> EVENTS.records(jobId).size() == 2);
    }

    @Test
    void twentyConcurrentSubmitsWithOneIdempotencyKeyMakeOneUpstreamJob() throws Exception {
        String key = UUID.randomUUID().toString();
        int createsBefore = SxwlSimulator.requestCount("/api/userJob");
        ExecutorService pool = Executors.newFixedThreadPool(20);
        Set<String> jobIds = new HashSet<>();
        try {
            List<Callable<String>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                calls.add(() -> as("acme").header("Idempotency-Key", key).body(spec("keeps working"))
                        .post("/api/userJob").then().statusCode(200).extract().path("job_id"));
            }
            for (Future<String> jobId : pool.invokeAll(calls)) {
                jobIds.add(jobId.get());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(1, jobIds.size(), "every caller got the same job");
        assertEquals(createsBefore + 1, SxwlSimulator.requestCount("/api/userJob"), "one upstream job");

        // The same key with another body is refused; another tenant's same key is its own.
        as("acme").header("Idempotency-Key", key).body(spec("something else")).post("/api/userJob").then()
                .statusCode(422).body("errors[0].field", equalTo("Idempotency-Key"));
        String other = as("globex").header("Idempotency-Key", key).body(spec("keeps working"))
                .post("/api/userJob").then().statusCode(200).extract().path("job_id");
        assertFalse(jobIds.contains(other));
    }

    @Test
    void jobStatusOfAWorkingJobAsksUpstreamAndRecordsWhatItLearns() {
        String jobId = submit("acme", "keeps working");
        int before = SxwlSimulator.requestCount("/api/userJob/job_status", jobId);

        as("acme").body("{\"job_id\":\"" + jobId + "\"}").post("/api/userJob/job_status").then().statusCode(200)
                .body("status", equalTo("working")).body("url", equalTo(""));

        assertTrue(SxwlSimulator.requestCount("/api/userJob/job_status", jobId) > before);
        as("acme").get("/api/jobs/" + jobId + "/events").then()
                .body("type", equalTo(List.of("submitted", "running")))
                .body("detectedBy", equalTo(List.of("submit", "poll")));
    }

    @Test
    void jobStatusOfATerminalJobMakesNoUpstreamCall() {
        String jobId = submit("acme", "keeps working");
        SxwlSimulator.finish(jobId, true);
        as("acme").body("{\"job_id\":\"" + jobId + "\"}").post("/api/userJob/job_status").then().statusCode(200)
                .body("status", equalTo("success")).body("url", startsWith("https://sxwl-sim"));
        int before = SxwlSimulator.requestCount("/api/userJob/job_status", jobId);

        for (int i = 0; i < 3; i++) {
            as("acme").body("{\"job_id\":\"" + jobId + "\"}").post("/api/userJob/job_status").then()
                    .statusCode(200).body("status", equalTo("success")).body("url", startsWith("https://sxwl-sim"));
        }

        assertEquals(before, SxwlSimulator.requestCount("/api/userJob/job_status", jobId));
    }

    @Test
    void jobDelForwardsAndRecordsTheCancellation() {
        String jobId = submit("acme", "sim:success@60000"); // deleted long before it would end

        as("acme").body("{\"job_id\":\"" + jobId + "\"}").post("/api/userJob/job_del").then().statusCode(200);

        assertEquals("deleted", SxwlSimulator.state(jobId));
        // (a poll may have found it running first, on a slow machine: the cancellation is the last change)
        await().atMost(Duration.ofSeconds(20)).until(() -> EVENTS.records(jobId).stream()
                .anyMatch(r -> r.value().contains("\"type\":\"ai.sxwl.job.cancelled\"")));
        List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> records = EVENTS.records(jobId);
        JsonNode cancelled = readTree(records.get(records.size() - 1).value());
        assertEquals("ai.sxwl.job.cancelled", cancelled.get("type").asText());
        assertEquals("cancel", cancelled.get("data").get("detectedBy").asText());
        int before = SxwlSimulator.requestCount("/api/userJob/job_status", jobId);
        // What upstream answers for a deleted job (400), from history.
        as("acme").body("{\"job_id\":\"" + jobId + "\"}").post("/api/userJob/job_status").then().statusCode(400)
                .contentType("application/problem+json");
        assertEquals(before, SxwlSimulator.requestCount("/api/userJob/job_status", jobId), "answered from history");
    }

    @Test
    void jobStatusOfAJobSubmittedElsewhereAsksUpstreamAndAdoptsIt() {
        String jobId = SxwlSimulator.openJobs(1).get(0); // submitted to SXWL directly, unknown here

        as("acme").body("{\"job_id\":\"" + jobId + "\"}").post("/api/userJob/job_status").then().statusCode(200)
                .body("status", equalTo("working")).body("url", equalTo(""));

        assertEquals(1, SxwlSimulator.requestCount("/api/userJob/job_status", jobId));
        as("acme").get("/api/jobs/" + jobId).then().statusCode(200).body("tenant", equalTo("acme"))
                .body("status", equalTo("running"));
        await().atMost(Duration.ofSeconds(20)).until(() -> EVENTS.records(jobId).size() >= 1);
        assertTrue(EVENTS.records(jobId).get(0).value().contains("\"type\":\"ai.sxwl.job.running\""));
    }

    @Test
    void jobStatusOfAJobUpstreamDoesNotKnowAnswersAsUpstreamDidAndKeepsNothing() {
        String jobId = "ai" + UUID.randomUUID();

        as("acme").body("{\"job_id\":\"" + jobId + "\"}").post("/api/userJob/job_status").then().statusCode(400)
                .contentType("application/problem+json").body("detail", org.hamcrest.Matchers.containsString(jobId));

        assertEquals(1, SxwlSimulator.requestCount("/api/userJob/job_status", jobId), "asked upstream");
        assertEquals(0, db.rows("SELECT job_id FROM job WHERE job_id = ?", jobId).size());
    }

    @Test
    void jobDelOfAJobUnknownHereGoesUpstreamWithTheTenantsToken() {
        String jobId = SxwlSimulator.openJobs(1).get(0);

        as("acme").body("{\"job_id\":\"" + jobId + "\"}").post("/api/userJob/job_del").then().statusCode(200);

        assertEquals("deleted", SxwlSimulator.state(jobId));
        LoggedRequest del = SxwlSimulator.server().findAll(com.github.tomakehurst.wiremock.client.WireMock
                .postRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/api/userJob/job_del")))
                .stream().filter(r -> r.getBodyAsString().contains(jobId)).findFirst().orElseThrow();
        assertEquals("Bearer " + SxwlSimulator.TENANT_TOKENS.get("acme"), del.getHeader("Authorization"));
        // upstream answers job_del with 200 for any id: that proves nothing, so nothing is adopted
        assertEquals(0, db.rows("SELECT job_id FROM job WHERE job_id = ?", jobId).size());
    }

    @Test
    void aJobWhoseSubmitAnswerWasLostIsAdoptedWhenItsCallbackArrives() {
        String key = UUID.randomUUID().toString();
        String script = "sim:success@3500 " + key;
        // Upstream creates the job but answers only after the gateway's 2 s read timeout.
        var slow = SxwlSimulator.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock
                .post("/api/userJob").atPriority(1)
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing(key))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withTransformers("sxwl")
                        .withFixedDelay(3000)));
        try {
            as("acme").header("Idempotency-Key", key).body(spec(script)).post("/api/userJob").then()
                    .statusCode(504).contentType("application/problem+json");
        } finally {
            SxwlSimulator.server().removeStub(slow);
        }
        String jobId = SxwlSimulator.jobIdCreatedFor(key);

        await().atMost(Duration.ofSeconds(20)).until(() -> EVENTS.records(jobId).size() >= 1);
        assertTrue(EVENTS.records(jobId).get(0).value().contains("\"type\":\"ai.sxwl.job.succeeded\""));
        as("acme").get("/api/jobs/" + jobId).then().statusCode(200).body("tenant", equalTo("acme"))
                .body("submission.gpuType", equalTo("NVIDIA-GeForce-RTX-3090"));
        // The same key now answers with the adopted job, not a second upstream job.
        as("acme").header("Idempotency-Key", key).body(spec(script)).post("/api/userJob").then()
                .statusCode(200).body("job_id", equalTo(jobId));
    }

    private JsonNode readTree(String json) {
        try {
            return mapper.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
