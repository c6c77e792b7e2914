package ai.sxwl.gateway.submit;

import ai.sxwl.gateway.testing.TestServices;
import ai.sxwl.gateway.testing.Api;
import ai.sxwl.gateway.testing.Db;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ai.sxwl.gateway.testing.EventsTopic;
import ai.sxwl.gateway.testing.TestKafka;
import ai.sxwl.gateway.testing.SxwlSimulator;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static ai.sxwl.gateway.testing.Api.as;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job's env values, the tenants' upstream tokens and API keys appear in no stored row, no event, no answer and
 * no log line (the env still reaches upstream, where the job's pod needs it).
 */
@QuarkusTest
class SecretsTest {

    private static final String ENV_SECRET = "hf_Zq81SecretTokenValue";

    @Inject
    Db db;

    @Inject
    ObjectMapper mapper;

    @Test
    void noSecretLeavesTheGateway() throws Exception {
        String spec = Api.spec("sim:success").replace("9999-node-token-secret", ENV_SECRET);
        String jobId = as("acme").body(spec).post("/api/userJob").then().statusCode(200).extract().path("job_id");
        await().atMost(Duration.ofSeconds(20)).until(() -> TestKafka.topic("sxwl.job.events").records(jobId).size() >= 2);
        assertTrue(SxwlSimulator.createRequestOf(jobId).getBodyAsString().contains(ENV_SECRET),
                "upstream gets the env it needs");

        List<String> seen = new ArrayList<>();
        for (String table : List.of("job", "job_event", "submission", "callback_receipt", "kafka_outbox")) {
            db.rows("SELECT * FROM " + table).forEach(row -> seen.add(table + ": " + row));
        }
        TestKafka.topic("sxwl.job.events").records(jobId).forEach(r -> seen.add("event: " + r.value()));
        seen.add("answer: " + as("acme").get("/api/jobs/" + jobId).asString());
        seen.add("answer: " + as("acme").get("/api/jobs/" + jobId + "/events").asString());
        seen.add("answer: " + as("acme").get("/api/jobs?limit=200").asString());
        seen.add("answer: " + as("acme").body("{\"job_id\":\"" + jobId + "\"}").post("/api/userJob/job_status")
                .asString());
        seen.add("answer: " + as("acme").get("/api/events?limit=500").asString());
        seen.add("answer: " + as("initech").body(Api.spec("x")).post("/api/userJob").asString());
        // The test log is the JSON log (%test.quarkus.log.file.json.enabled): one object per line, each read whole.
        List<String> logLines = Files.readAllLines(TestServices.logFile());
        List<JsonNode> log = new ArrayList<>();
        for (String line : logLines) {
            log.add(mapper.readTree(line));
            seen.add("log: " + line);
        }
        JsonNode callbackLine = log.stream()
                .filter(l -> l.path("loggerName").asText().equals("ai.sxwl.gateway.callbacks"))
                .filter(l -> l.path("mdc").path("jobId").asText().equals(jobId))
                .findFirst().orElseThrow(() -> new AssertionError("no callback line for " + jobId + " in the JSON log"));
        assertEquals("token", callbackLine.path("mdc").path("route").asText());
        assertEquals("applied", callbackLine.path("mdc").path("outcome").asText());
        assertTrue(callbackLine.path("mdc").path("requestId").asText().matches("[0-9a-f]{16}"));

        List<String> secrets = new ArrayList<>(List.of(ENV_SECRET));
        secrets.addAll(SxwlSimulator.TENANT_TOKENS.values());
        secrets.add("revoked-upstream-token");
        secrets.addAll(Api.API_KEYS.values());
        for (String secret : secrets) {
            for (String place : seen) {
                assertFalse(place.contains(secret), () -> "secret found in " + place.substring(0,
                        Math.min(place.length(), 300)));
            }
        }
        assertTrue(seen.stream().anyMatch(place -> place.contains("\"OPEN_NODE_TOKEN\":\"***\"")),
                "the env key stays visible, redacted");
        // The scan really looked at this job everywhere it is kept, not at empty tables.
        for (String place : List.of("job: ", "job_event: ", "submission: ", "event: ", "answer: ")) {
            assertTrue(seen.stream().anyMatch(p -> p.startsWith(place) && p.contains(jobId)),
                    "the scan saw the job in " + place);
        }
        assertEquals(2, seen.stream().filter(p -> p.startsWith("event: ") && p.contains(jobId)).count());
    }
}
