package ai.sxwl.gateway.webhook;

import ai.sxwl.gateway.console.ConsoleSession;
import ai.sxwl.gateway.publish.OperationalEvent;
import ai.sxwl.gateway.testing.WebhookReceiver;
import ai.sxwl.gateway.callback.CallbackTokens;
import ai.sxwl.gateway.testing.ConsoleSignIn;
import ai.sxwl.gateway.testing.Db;
import ai.sxwl.gateway.testing.EventsTopic;
import ai.sxwl.gateway.testing.JobEventSchema;
import ai.sxwl.gateway.testing.Progress;
import ai.sxwl.gateway.testing.TestJobs;
import ai.sxwl.gateway.testing.TestKafka;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static ai.sxwl.gateway.testing.Api.as;
import static ai.sxwl.gateway.testing.Callbacks.body;
import static ai.sxwl.gateway.testing.Callbacks.onToken;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tenant operational events (issue 21, 4): a subscription auto-disabled by its endpoint's 410 produces
 * delivery.dead and subscription.disabled on the operations topic and to another subscription of the same tenant that
 * asks for them, never to the failing endpoint and never to another tenant's; enabling it again produces
 * subscription.enabled.
 */
@QuarkusTest
class OperationalEventsTest {

    private static final List<String> OPERATIONAL = java.util.Arrays.stream(OperationalEvent.Type.values())
            .map(OperationalEvent.Type::wire).toList();
    private static final EventsTopic OPERATIONS = TestKafka.operationsTopic("sxwl.gateway.operations");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PROGRESS = Progress.CEILING;
    private static final WireMockServer RECEIVER = WebhookReceiver.started();

    @Inject
    CallbackTokens tokens;

    @Inject
    Db db;

    @Test
    void anAutoDisabledSubscriptionIsAnnouncedOnKafkaAndToItsTenantsWatcherOnly() throws Exception {
        String gone = "/gone/" + UUID.randomUUID();
        String watcher = "/watcher/" + UUID.randomUUID();
        String stranger = "/stranger/" + UUID.randomUUID();
        RECEIVER.stubFor(post(urlEqualTo(gone)).willReturn(aResponse().withStatus(410)));
        RECEIVER.stubFor(post(urlEqualTo(watcher)).willReturn(aResponse().withStatus(204)));
        RECEIVER.stubFor(post(urlEqualTo(stranger)).willReturn(aResponse().withStatus(204)));
        String jobId = TestJobs.newJobId();
        // The failing endpoint asks for operational events too: it must still never get one about itself.
        List<String> failingTypes = new ArrayList<>(OPERATIONAL);
        failingTypes.add("ai.sxwl.job.running");
        String failing = subscribe("acme", gone, Map.of("jobId", jobId, "eventTypes", failingTypes));
        String watching = subscribe("acme", watcher, Map.of("eventTypes", OPERATIONAL));
        String otherTenants = subscribe("globex", stranger, Map.of("eventTypes", OPERATIONAL));
        try {
            onToken(tokens.mint(TestJobs.submission("acme", jobId)), body(jobId, "working", "")).statusCode(200);

            List<JsonNode> heard = awaitPosts(watcher, 2);
            assertEquals(List.of("ai.sxwl.gateway.delivery.dead", "ai.sxwl.gateway.subscription.disabled"),
                    heard.stream().map(event -> event.get("type").asText()).sorted().toList());
            for (JsonNode event : heard) {
                assertEquals(java.util.Optional.empty(), JobEventSchema.operationalViolation(event.toString()));
                assertEquals(failing, event.get("subject").asText(), event.toString());
                assertEquals("acme", event.at("/data/tenant").asText(), event.toString());
            }
            JsonNode dead = heard.stream().filter(e -> e.get("type").asText().endsWith("dead")).findFirst()
                    .orElseThrow();
            assertEquals(jobId, dead.at("/data/jobId").asText());
            as("acme").get("/api/subscriptions/" + failing).then().statusCode(200)
                    .body("enabled", org.hamcrest.Matchers.equalTo(false));

            await().atMost(PROGRESS).until(() -> OPERATIONS.records(failing).size() == 2);
            assertEquals(heard.stream().map(e -> e.get("id").asText()).sorted().toList(),
                    OPERATIONS.records(failing).stream().map(OperationalEventsTest::id).sorted().toList(),
                    "the same events on the operations topic");
            // Created with the watcher's, in the same transactions: none for the failing endpoint or the stranger.
            assertEquals(0, db.count("SELECT COUNT(*) FROM webhook_delivery WHERE subscription_id IN (?, ?)"
                    + " AND event_type LIKE 'ai.sxwl.gateway.%'", failing, otherTenants));
            assertEquals(1, RECEIVER.findAll(postRequestedFor(urlEqualTo(gone))).size(),
                    "the failing endpoint got the job event only");
            // The console's deliveries: the job event's row links its job; an operational one names the subscription
            // it is about as text (a link to /console/jobs/<subscription id> would be a 404).
            String page = RestAssured.given().cookie(ConsoleSession.COOKIE, ConsoleSignIn.session("acme"))
                    .get("/console/deliveries").then().statusCode(200).extract().asString();
            assertTrue(page.contains("<a href=\"/console/jobs/" + jobId + "\">"), "the job event's row links its job");
            assertTrue(page.contains("<td>" + failing + "<br><span class=\"muted\">ai.sxwl.gateway."), page);
            assertFalse(page.contains("/console/jobs/" + failing), "no link to a job named like the subscription");

            as("acme").body(Map.of("enabled", true)).patch("/api/subscriptions/" + failing).then().statusCode(200);
            JsonNode enabled = awaitPosts(watcher, 3).stream()
                    .filter(e -> e.get("type").asText().equals("ai.sxwl.gateway.subscription.enabled"))
                    .findFirst().orElseThrow();
            assertEquals(failing, enabled.get("subject").asText());
            await().atMost(PROGRESS).until(() -> OPERATIONS.records(failing).size() == 3);
            assertEquals(0, RECEIVER.findAll(postRequestedFor(urlEqualTo(stranger))).size());
        } finally {
            for (String[] owned : new String[][]{{"acme", failing}, {"acme", watching}, {"globex", otherTenants}}) {
                as(owned[0]).delete("/api/subscriptions/" + owned[1]).then().statusCode(204);
            }
        }
    }

    private String subscribe(String tenant, String path, Map<String, Object> fields) {
        Map<String, Object> body = new java.util.HashMap<>(fields);
        body.put("url", "http://localhost:" + RECEIVER.port() + path);
        return as(tenant).body(body).post("/api/subscriptions").then().statusCode(201).extract().path("id");
    }

    private static List<JsonNode> awaitPosts(String path, int count) throws Exception {
        await().atMost(PROGRESS).until(() -> RECEIVER.findAll(postRequestedFor(urlEqualTo(path))).size() >= count);
        List<JsonNode> events = new ArrayList<>();
        for (LoggedRequest request : RECEIVER.findAll(postRequestedFor(urlEqualTo(path)))) {
            events.add(JSON.readTree(request.getBodyAsString()));
        }
        return events;
    }

    private static String id(ConsumerRecord<String, String> record) {
        try {
            return JSON.readTree(record.value()).get("id").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
