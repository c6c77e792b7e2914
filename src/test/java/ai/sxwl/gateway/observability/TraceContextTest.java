package ai.sxwl.gateway.observability;

import ai.sxwl.gateway.callback.CallbackTokens;
import ai.sxwl.gateway.testing.Api;
import ai.sxwl.gateway.testing.JobEventSchema;
import ai.sxwl.gateway.testing.TestJobs;
import ai.sxwl.gateway.testing.TestKafka;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static ai.sxwl.gateway.testing.Api.as;
import static ai.sxwl.gateway.testing.Callbacks.body;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * SPEC section 4's trace context: the W3C traceparent of the request that caused a change reaches the Kafka record
 * (CloudEvents traceparent extension) and the webhook delivery (traceparent header) with the caller's trace id.
 */
@QuarkusTest
class TraceContextTest {

    private static final WireMockServer RECEIVER = new WireMockServer(options().dynamicPort());

    static {
        RECEIVER.start();
    }

    @Inject
    CallbackTokens tokens;

    @Inject
    ObjectMapper mapper;

    @AfterAll
    static void stop() {
        RECEIVER.stop();
    }

    @Test
    void aCallbacksTraceparentReachesTheKafkaRecordAndTheWebhookHeader() throws Exception {
        String path = "/traced/" + UUID.randomUUID();
        RECEIVER.stubFor(post(path).willReturn(aResponse().withStatus(204)));
        String jobId = TestJobs.newJobId();
        as("globex").body(Map.of("url", "http://localhost:" + RECEIVER.port() + path, "jobId", jobId))
                .post("/api/subscriptions").then().statusCode(201);
        String traceId = randomHex(32);
        String traceparent = "00-" + traceId + "-" + randomHex(16) + "-01";

        RestAssured.given().contentType(ContentType.JSON).header("traceparent", traceparent)
                .body(body(jobId, "fail", "")).post("/callbacks/sxwl/" + tokens.mint(TestJobs.submission("globex",
                        jobId))).then().statusCode(200);

        JsonNode event = kafkaEvent(jobId, jobId + ":failed");
        assertEquals(traceId, traceId(event.get("traceparent").asText()), "the CloudEvent's traceparent extension");
        assertEquals(Optional.empty(), JobEventSchema.violation(event.toString()));
        await().atMost(Duration.ofSeconds(15)).until(() ->
                !RECEIVER.findAll(postRequestedFor(urlEqualTo(path))).isEmpty());
        LoggedRequest delivery = RECEIVER.findAll(postRequestedFor(urlEqualTo(path))).get(0);
        assertEquals(traceId, traceId(delivery.getHeader("traceparent")), "the webhook's traceparent header");
        assertEquals(traceId, traceId(mapper.readTree(delivery.getBodyAsString()).get("traceparent").asText()));
    }

    @Test
    void aSubmitsTraceparentIsOnTheSubmittedEventAndAMalformedOneIsDropped() throws Exception {
        String traceId = randomHex(32);
        String jobId = as("acme").header("traceparent", "00-" + traceId + "-" + randomHex(16) + "-00")
                .body(Api.spec("sleep 1")).post("/api/userJob").then().statusCode(200).extract().path("job_id");
        assertEquals(traceId, traceId(kafkaEvent(jobId, jobId + ":submitted").get("traceparent").asText()));
        String plain = as("acme").body(Api.spec("sleep 1")).post("/api/userJob").then().statusCode(200).extract()
                .path("job_id");
        assertFalse(kafkaEvent(plain, plain + ":submitted").has("traceparent"), "no traceparent in, none made up");

        String untraced = TestJobs.newJobId();
        RestAssured.given().contentType(ContentType.JSON).header("traceparent", "00-" + "0".repeat(32) + "-"
                        + randomHex(16) + "-01")
                .body(body(untraced, "fail", "")).post("/callbacks/sxwl/" + tokens.mint(TestJobs.submission("acme",
                        untraced))).then().statusCode(200);
        JsonNode event = kafkaEvent(untraced, untraced + ":failed");
        assertFalse(event.has("traceparent"), "an invalid traceparent (all-zero trace id) is not carried: " + event);
    }

    private JsonNode kafkaEvent(String jobId, String eventId) throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> TestKafka.topic("sxwl.job.events").records(jobId).stream()
                .anyMatch(r -> r.value().contains("\"" + eventId + "\"")));
        List<ConsumerRecord<String, String>> records = TestKafka.topic("sxwl.job.events").records(jobId);
        for (ConsumerRecord<String, String> record : records) {
            JsonNode event = mapper.readTree(record.value());
            if (event.get("id").asText().equals(eventId)) {
                return event;
            }
        }
        throw new AssertionError("no " + eventId);
    }

    private static String traceId(String traceparent) {
        return traceparent.split("-")[1];
    }

    private static String randomHex(int length) {
        StringBuilder hex = new StringBuilder();
        while (hex.length() < length) {
            hex.append(UUID.randomUUID().toString().replace("-", ""));
        }
        return hex.substring(0, length);
    }
}
