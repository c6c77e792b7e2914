package ai.sxwl.gateway.publish;

import ai.sxwl.gateway.callback.CallbackTokens;
import ai.sxwl.gateway.testing.EventsTopic;
import ai.sxwl.gateway.testing.JobEventSchema;
import ai.sxwl.gateway.testing.TestJobs;
import ai.sxwl.gateway.testing.TestKafka;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static ai.sxwl.gateway.testing.Callbacks.body;
import static ai.sxwl.gateway.testing.Callbacks.onToken;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The event contract is published (JSON Schema 2020-12, AsyncAPI 3.0) without an API key, and the events match it:
 * every event any test reads from Kafka is validated by {@link EventsTopic}; here a whole life, with the model URL,
 * and a schema that can say no.
 */
@QuarkusTest
class EventContractTest {

    private static final EventsTopic MAIN = TestKafka.topic("sxwl.job.events");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    CallbackTokens tokens;

    @Test
    void theSchemaAndTheAsyncApiDocumentAreServedWithoutAnApiKey() {
        String served = given().get("/api/schema/job-event.json").then().statusCode(200)
                .contentType("application/schema+json").extract().asString();
        assertEquals(JobEventSchema.text(), served);
        given().get("/api/schema/asyncapi.json").then().statusCode(200)
                .body("asyncapi", equalTo("3.0.0"))
                .body("channels.jobEvents.address", equalTo("sxwl.job.events"))
                .body("components.messages.jobEvent.payload.schema.$ref", equalTo("job-event.json"));
    }

    @Test
    void aJobsEventsFromSubmitToModelUrlMatchTheSchema() throws Exception {
        String jobId = "ai" + UUID.randomUUID();
        String token = tokens.mint(TestJobs.submission("acme", jobId));
        onToken(token, body(jobId, "working", "")).statusCode(200);
        onToken(token, body(jobId, "success", "https://b.oss-cn-beijing.aliyuncs.com/" + jobId
                + "%2Fm.bin?Expires=1893456000&Signature=x")).statusCode(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> MAIN.records(jobId).size() == 2);
        List<String> events = MAIN.records(jobId).stream().map(ConsumerRecord::value).toList();
        for (String event : events) {
            assertEquals(java.util.Optional.empty(), JobEventSchema.violation(event), event);
        }
        assertEquals("2030-01-01T00:00:00Z", JSON.readTree(events.get(1)).path("data").path("modelUrlExpiresAt")
                .asText());
    }

    @Test
    void theSchemaRefusesWhatAConsumerCouldNotRelyOn() throws Exception {
        String jobId = "ai" + UUID.randomUUID();
        String token = tokens.mint(TestJobs.submission("acme", jobId));
        onToken(token, body(jobId, "working", "")).statusCode(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> MAIN.records(jobId).size() == 1);
        String valid = MAIN.records(jobId).get(0).value();
        assertTrue(JobEventSchema.violation(valid).isEmpty());

        assertRefused(valid, event -> event.put("sequence", "2"));
        assertRefused(valid, event -> event.put("type", "ai.sxwl.job.exploded"));
        assertRefused(valid, event -> event.put("time", "yesterday"));
        assertRefused(valid, event -> ((ObjectNode) event.get("data")).remove("tenant"));
        assertRefused(valid, event -> ((ObjectNode) event.get("data")).put("status", "done"));
        assertRefused(valid, event -> event.put("unexpected", true));
        assertRefused(valid, event -> ((ObjectNode) event.get("data")).putObject("labels").put("bad key", "x"));
        assertRefused(valid, event -> ((ObjectNode) event.get("data")).putObject("labels").put("k", 5));
        assertRefused(valid, event -> ((ObjectNode) event.get("data")).putObject("labels").put("k", "a/b"));
        // labels is optional (schema 1.1.0 reads every 1.0.0 event)
        ObjectNode withoutLabels = (ObjectNode) JSON.readTree(valid);
        ((ObjectNode) withoutLabels.get("data")).remove("labels");
        assertTrue(JobEventSchema.violation(withoutLabels.toString()).isEmpty());
    }

    private static void assertRefused(String valid, java.util.function.Consumer<ObjectNode> change) throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree(valid);
        change.accept(event);
        assertTrue(JobEventSchema.violation(event.toString()).isPresent(), "refused: " + event);
    }
}
