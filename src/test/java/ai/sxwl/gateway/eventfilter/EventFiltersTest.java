package ai.sxwl.gateway.eventfilter;

import ai.sxwl.gateway.testing.WebhookReceiver;
import ai.sxwl.gateway.callback.CallbackTokens;
import ai.sxwl.gateway.history.Submission;
import ai.sxwl.gateway.testing.Db;
import ai.sxwl.gateway.testing.EventsTopic;
import ai.sxwl.gateway.testing.Progress;
import ai.sxwl.gateway.testing.TestJobs;
import ai.sxwl.gateway.testing.TestKafka;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.Arguments;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static ai.sxwl.gateway.testing.Api.as;
import static ai.sxwl.gateway.testing.Callbacks.body;
import static ai.sxwl.gateway.testing.Callbacks.onToken;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Filters in the CloudEvents Subscriptions API's dialects route only the events they match: to a subscription (with
 * its event types) and to a Kafka route (the test profile's {@code vision} route has the same filters as here); a
 * broken filter is a 422 naming its JSON pointer, and changes nothing.
 */
@QuarkusTest
class EventFiltersTest {

    /** Vision's jobs on A100-class GPUs, or on eight GPUs: the test profile's vision route too. */
    private static final String FILTERS = """
            [{"exact": {"labels.team": "vision"}},
             {"any": [{"prefix": {"submission.gpuType": "A1"}}, {"exact": {"submission.gpuNumber": "8"}}]}]""";
    private static final EventsTopic VISION = TestKafka.topic("sxwl.test.vision");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PROGRESS = Progress.CEILING;
    private static final WireMockServer RECEIVER = WebhookReceiver.started();

    @Inject
    CallbackTokens tokens;

    @Inject
    Db db;

    /** Each test job's submission id, for its callback token. */
    private final Map<String, String> submissions = new java.util.concurrent.ConcurrentHashMap<>();

    @Test
    void aFilterRoutesOnlyMatchingEventsToASubscriptionAndToAKafkaRoute() throws Exception {
        String path = "/filtered/" + UUID.randomUUID();
        RECEIVER.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(204)));
        String subscription = as("acme").body(Map.of("url", "http://localhost:" + RECEIVER.port() + path,
                        "eventTypes", List.of("ai.sxwl.job.succeeded"), "filters", JSON.readTree(FILTERS)))
                .post("/api/subscriptions").then().statusCode(201)
                .body("filters", equalTo(JSON.convertValue(JSON.readTree(FILTERS), List.class)))
                .extract().path("id");
        try {
            String a100 = job("vision", "A100", 1);
            String eightGpus = job("vision", "H800", 8);
            String otherTeam = job("nlp", "A100", 8);
            String fourH800 = job("vision", "H800", 4);
            for (String jobId : List.of(a100, eightGpus, otherTeam, fourH800)) {
                onToken(token(jobId), body(jobId, "working", "")).statusCode(200);
                onToken(token(jobId), body(jobId, "success", "")).statusCode(200);
            }

            // Webhooks: every change fanned out, then exactly the matching jobs' succeeded events delivered.
            await().atMost(PROGRESS).until(() -> db.count("SELECT COUNT(*) FROM webhook_fan_out"
                    + " WHERE job_id IN (?, ?, ?, ?)", a100, eightGpus, otherTeam, fourH800) == 0);
            assertEquals(List.of(Map.of("job_id", a100, "event_type", "ai.sxwl.job.succeeded"),
                            Map.of("job_id", eightGpus, "event_type", "ai.sxwl.job.succeeded")),
                    db.rows("SELECT job_id, event_type FROM webhook_delivery WHERE subscription_id = ?"
                            + " ORDER BY CASE job_id WHEN ? THEN 0 ELSE 1 END", subscription, a100));
            await().atMost(PROGRESS).until(() -> RECEIVER.findAll(postRequestedFor(urlEqualTo(path)))
                    .size() == 2);

            // Kafka: both changes of the matching jobs on the route; a later matching job in the same partition as
            // each other one arrives after anything of it would have.
            await().atMost(PROGRESS).until(() ->
                    VISION.records(a100).size() == 2 && VISION.records(eightGpus).size() == 2);
            for (String unmatched : List.of(otherTeam, fourH800)) {
                String later = TestJobs.newJobIdInPartitionOf(unmatched);
                submission(later, "vision", "A100", 1);
                onToken(token(later), body(later, "working", "")).statusCode(200);
                await().atMost(PROGRESS).until(() -> VISION.records(later).size() == 1);
                assertEquals(0, VISION.records(unmatched).size(), unmatched);
            }
        } finally {
            as("acme").delete("/api/subscriptions/" + subscription).then().statusCode(204);
        }
    }

    @Test
    void aPatchChangesTheFiltersAndAnEmptyArrayRemovesThem() throws Exception {
        String subscription = as("acme").body(Map.of("url", "http://localhost:" + RECEIVER.port() + "/patched",
                "enabled", false)).post("/api/subscriptions").then().statusCode(201).extract().path("id");
        try {
            as("acme").body(Map.of("filters", JSON.readTree(FILTERS))).patch("/api/subscriptions/" + subscription)
                    .then().statusCode(200);
            as("acme").get("/api/subscriptions/" + subscription).then().statusCode(200)
                    .body("filters", equalTo(JSON.convertValue(JSON.readTree(FILTERS), List.class)));
            as("acme").body(Map.of("filters", List.of())).patch("/api/subscriptions/" + subscription)
                    .then().statusCode(200);
            as("acme").get("/api/subscriptions/" + subscription).then().statusCode(200)
                    .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("filters")));
        } finally {
            as("acme").delete("/api/subscriptions/" + subscription).then().statusCode(204);
        }
    }

    static Stream<Arguments> brokenFilters() {
        return Stream.of(
                Arguments.of("an unsupported dialect", "[{\"sql\": \"type = 'x'\"}]", "/filters/0/sql"),
                Arguments.of("an unknown attribute", "[{\"exact\": {\"colour\": \"red\"}}]", "/filters/0/exact/colour"),
                Arguments.of("a nested filter of the wrong shape",
                        "[{\"all\": [{\"exact\": {\"type\": \"a\"}}, {\"prefix\": \"ai.\"}]}]", "/filters/0/all/1/prefix"),
                Arguments.of("an empty any", "[{\"any\": []}]", "/filters/0/any"),
                Arguments.of("an empty value", "[{\"exact\": {\"type\": \"\"}}]", "/filters/0/exact/type"),
                Arguments.of("a value not a string", "[{\"exact\": {\"labels.example.com/run\": 5}}]",
                        "/filters/0/exact/labels.example.com~1run"),
                Arguments.of("a label key breaking the label rules", "[{\"exact\": {\"labels.bad key\": \"x\"}}]",
                        "/filters/0/exact/labels.bad key"),
                Arguments.of("two dialects in one filter",
                        "[{\"exact\": {\"type\": \"a\"}, \"prefix\": {\"type\": \"b\"}}]", "/filters/0"),
                Arguments.of("not with an array", "[{\"not\": [{\"exact\": {\"type\": \"a\"}}]}]", "/filters/0/not"),
                Arguments.of("filters not an array", "{\"exact\": {\"type\": \"a\"}}", "/filters"),
                Arguments.of("nine levels deep", "[" + "{\"not\": ".repeat(8) + "{\"exact\": {\"type\": \"a\"}}"
                        + "}".repeat(8) + "]", "/filters/0" + "/not".repeat(8)),
                Arguments.of("65 expressions", "[" + String.join(",",
                        java.util.Collections.nCopies(65, "{\"exact\": {\"type\": \"a\"}}")) + "]", "/filters"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFilters")
    void aBrokenFilterIsA422AtItsPointerAndChangesNothing(String name, String filters, String pointer) {
        String subscription = as("acme").body(Map.of("url", "http://localhost:" + RECEIVER.port() + "/kept",
                "enabled", false)).post("/api/subscriptions").then().statusCode(201).extract().path("id");
        try {
            List<Map<String, Object>> before = db.rows("SELECT * FROM subscription WHERE tenant = 'acme' ORDER BY id");
            as("acme").body("{\"url\": \"http://localhost:" + RECEIVER.port() + "/new\", \"filters\": " + filters + "}")
                    .post("/api/subscriptions").then().statusCode(422).contentType("application/problem+json")
                    .body("errors.field", hasItem(pointer));
            as("acme").body("{\"description\": \"changed\", \"filters\": " + filters + "}")
                    .patch("/api/subscriptions/" + subscription).then().statusCode(422)
                    .contentType("application/problem+json").body("errors.field", hasItem(pointer));
            assertEquals(before, db.rows("SELECT * FROM subscription WHERE tenant = 'acme' ORDER BY id"));
        } finally {
            as("acme").delete("/api/subscriptions/" + subscription).then().statusCode(204);
        }
    }

    private String job(String team, String gpuType, int gpuNumber) {
        String jobId = TestJobs.newJobId();
        submission(jobId, team, gpuType, gpuNumber);
        return jobId;
    }

    /** A submission as the submit proxy records one with a spec and labels. */
    private void submission(String jobId, String team, String gpuType, int gpuNumber) {
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 22);
        QuarkusTransaction.requiringNew().run(() -> {
            Submission submission = new Submission();
            submission.id = id;
            submission.tenant = "acme";
            submission.jobId = jobId;
            submission.spec = JSON.createObjectNode().put("gpuType", gpuType).put("gpuNumber", gpuNumber)
                    .put("jobType", "Pytorch").toString();
            submission.labels = "{\"team\":\"" + team + "\"}";
            submission.createdAt = Instant.now();
            submission.persist();
        });
        submissions.put(jobId, id);
    }

    private String token(String jobId) {
        return tokens.mint(submissions.get(jobId));
    }
}
