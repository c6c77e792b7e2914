package ai.sxwl.gateway.webhook;

import ai.sxwl.gateway.callback.CallbackTokens;
import ai.sxwl.gateway.testing.Db;
import ai.sxwl.gateway.testing.TestJobs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Deliveries to WireMock receivers: signing, retries, dead and redelivery, 410, Retry-After, filters, isolation. */
@QuarkusTest
class WebhookDeliveryTest {

    private static final WireMockServer RECEIVER = start();
    private static final WireMockServer SLOW_RECEIVER = start();

    @Inject
    CallbackTokens tokens;

    @Inject
    ObjectMapper mapper;

    @Inject
    Db db;

    @Inject
    ai.sxwl.gateway.testing.Jobs jobs;

    @Test
    void aDeliveryIsASignedCloudEventAndKeepsItsWebhookIdOnRetry() throws Exception {
        String path = "/hooks/" + UUID.randomUUID();
        RECEIVER.stubFor(post(path).inScenario(path).whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(500)).willSetStateTo("recovered"));
        RECEIVER.stubFor(post(path).inScenario(path).whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(204)));
        Job job = newJob();
        Map<String, String> subscription = subscribe(path, job.id, null);

        onToken(job.token, body(job.id, "success", TestJobs.signedModelUrl(job.id, 2_000_000_000L)))
                .statusCode(200);

        List<LoggedRequest> requests = awaitRequests(RECEIVER, path, 2);
        assertEquals(requests.get(0).getHeader("webhook-id"), requests.get(1).getHeader("webhook-id"),
                "the same message on every attempt");
        for (LoggedRequest request : requests) {
            assertTrue(StandardWebhooksVerifier.verify(subscription.get("secret"), request.getHeader("webhook-id"),
                    request.getHeader("webhook-timestamp"), request.getBodyAsString(),
                    request.getHeader("webhook-signature")), "signature of " + request);
            long timestamp = Long.parseLong(request.getHeader("webhook-timestamp"));
            assertTrue(Math.abs(Instant.now().getEpochSecond() - timestamp) < 60);
        }
        JsonNode event = mapper.readTree(requests.get(1).getBodyAsString());
        assertEquals("ai.sxwl.job.succeeded", event.get("type").asText());
        assertEquals(job.id + ":succeeded", event.get("id").asText());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> as("globex")
                .get("/api/deliveries?jobId=" + job.id + "&subscriptionId=" + subscription.get("id")).then()
                .body("items[0].state", equalTo("delivered"))
                .body("items[0].attempts.statusCode", equalTo(List.of(500, 204))));
    }

    @Test
    void aDeliveryIsDeadAfterTheScheduleAndCanBeRedelivered() {
        String path = "/hooks/" + UUID.randomUUID();
        RECEIVER.stubFor(post(path).willReturn(aResponse().withStatus(500).withBody("down for maintenance")));
        Job job = newJob();
        Map<String, String> subscription = subscribe(path, job.id, null);

        onToken(job.token, body(job.id, "fail", "")).statusCode(200);

        // The test schedule has three retries: four attempts, then dead.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> as("globex")
                .get("/api/deliveries?state=dead&job=" + job.id).then().body("items.size()", equalTo(1)));
        assertEquals(4, RECEIVER.findAll(postRequestedFor(urlEqualTo(path))).size());
        as("globex").get("/api/deliveries?state=dead&jobId=" + job.id).then()
                .body("items[0].attempts[0].responseExcerpt", equalTo("down for maintenance"));

        RECEIVER.stubFor(post(path).willReturn(aResponse().withStatus(200)));
        long id = ((Number) as("globex").get("/api/deliveries?jobId=" + job.id).then().extract()
                .path("items[0].id")).longValue();
        as("globex").post("/api/deliveries/" + id + "/redeliver").then().statusCode(200);

        List<LoggedRequest> requests = awaitRequests(RECEIVER, path, 5);
        assertEquals(requests.get(0).getHeader("webhook-id"), requests.get(4).getHeader("webhook-id"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> as("globex").get("/api/deliveries/" + id)
                .then().body("state", equalTo("delivered")));
        // Bulk: every dead delivery of the subscription since a time goes again.
        as("globex").contentType("application/json").body("{\"since\":\"2020-01-01T00:00:00Z\"}")
                .post("/api/subscriptions/" + subscription.get("id") + "/redeliver-dead").then().statusCode(200)
                .body("queued", equalTo(0));
    }

    @Test
    void gone410DisablesTheSubscription() {
        String path = "/hooks/" + UUID.randomUUID();
        RECEIVER.stubFor(post(path).willReturn(aResponse().withStatus(410)));
        Job job = newJob();
        Map<String, String> subscription = subscribe(path, job.id, null);

        onToken(job.token, body(job.id, "working", "")).statusCode(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> as("globex")
                .get("/api/subscriptions/" + subscription.get("id")).then().body("enabled", equalTo(false)));
        onToken(job.token, body(job.id, "success", "")).statusCode(200);

        as("globex").get("/api/subscriptions/" + subscription.get("id")).then()
                .body("disabledReason", equalTo("the endpoint answered 410 Gone"));
        assertEquals(1, db.count("SELECT count(*) FROM endpoint_disabled WHERE subscription_id = ?",
                subscription.get("id")));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> RECEIVER.findAll(postRequestedFor(urlEqualTo(path))).size() == 1);
    }

    @Test
    void aSubscriptionFailingForLongerThanDisableAfterIsDisabled() {
        String path = "/hooks/" + UUID.randomUUID();
        RECEIVER.stubFor(post(path).willReturn(aResponse().withStatus(500)));
        Job job = newJob();
        Map<String, String> subscription = subscribe(path, job.id, null);
        // It has been failing for six days (gateway.webhooks.disable-after is 5 days).
        jobs.update("UPDATE subscription SET failing_since = ? WHERE id = ?",
                Instant.now().minus(Duration.ofDays(6)), subscription.get("id"));

        onToken(job.token, body(job.id, "fail", "")).statusCode(200);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> as("globex")
                .get("/api/subscriptions/" + subscription.get("id")).then().body("enabled", equalTo(false))
                .body("disabledReason", org.hamcrest.Matchers.startsWith("failing without a success since")));
        assertEquals(1, db.count("SELECT count(*) FROM endpoint_disabled WHERE subscription_id = ?",
                subscription.get("id")));
    }

    @Test
    void retryAfterOn429IsHonoured() {
        String path = "/hooks/" + UUID.randomUUID();
        RECEIVER.stubFor(post(path).inScenario(path).whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")).willSetStateTo("ok"));
        RECEIVER.stubFor(post(path).inScenario(path).whenScenarioStateIs("ok").willReturn(aResponse().withStatus(200)));
        Job job = newJob();
        subscribe(path, job.id, null);

        onToken(job.token, body(job.id, "fail", "")).statusCode(200);

        List<LoggedRequest> requests = awaitRequests(RECEIVER, path, 2);
        Duration gap = Duration.between(requests.get(0).getLoggedDate().toInstant(),
                requests.get(1).getLoggedDate().toInstant());
        assertTrue(gap.toMillis() >= 1900, "waited " + gap + " though the schedule says 300 ms");
    }

    @Test
    void anEventTypeFilterDeliversOnlyThoseTypes() throws Exception {
        String path = "/hooks/" + UUID.randomUUID();
        RECEIVER.stubFor(post(path).willReturn(aResponse().withStatus(200)));
        Job job = newJob();
        subscribe(path, job.id, List.of("ai.sxwl.job.succeeded"));

        onToken(job.token, body(job.id, "working", "")).statusCode(200);
        onToken(job.token, body(job.id, "success", "")).statusCode(200);

        List<LoggedRequest> requests = awaitRequests(RECEIVER, path, 1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> RECEIVER.findAll(postRequestedFor(urlEqualTo(path))).size() == 1);
        assertEquals("ai.sxwl.job.succeeded", mapper.readTree(requests.get(0).getBodyAsString()).get("type").asText());
    }

    @Test
    void aJobsOwnCallbackUrlGetsTheSxwlShapeSignedWithTheTenantKey() throws Exception {
        String path = "/hooks/" + UUID.randomUUID();
        RECEIVER.stubFor(post(urlEqualTo(path + "?source=sxwl")).willReturn(aResponse().withStatus(200)));
        String spec = ai.sxwl.gateway.testing.Api.spec("sim:success")
                .replace("https://llm.nascentcore.cn/api/test/callback", receiverUrl(path) + "?source=sxwl");
        String jobId = as("acme").body(spec).post("/api/userJob").then().statusCode(200).extract().path("job_id");

        LoggedRequest request = awaitRequests(RECEIVER, path + "?source=sxwl", 1).get(0);
        JsonNode body = mapper.readTree(request.getBodyAsString());
        assertEquals("success", body.get("status").asText());
        assertEquals(jobId, body.get("job_id").asText());
        assertTrue(body.get("url").asText().contains("Expires="));
        assertEquals(3, body.size(), "exactly what SXWL posts");
        String secret = as("acme").get("/api/signing-secret").then().statusCode(200).extract().path("secret");
        assertTrue(StandardWebhooksVerifier.verify(secret, request.getHeader("webhook-id"),
                request.getHeader("webhook-timestamp"), request.getBodyAsString(),
                request.getHeader("webhook-signature")));
    }

    @Test
    void aSlowEndpointDoesNotDelayAnother() {
        String slow = "/hooks/slow-" + UUID.randomUUID();
        String fast = "/hooks/fast-" + UUID.randomUUID();
        SLOW_RECEIVER.stubFor(post(slow).willReturn(aResponse().withStatus(200).withFixedDelay(30_000)));
        RECEIVER.stubFor(post(fast).willReturn(aResponse().withStatus(200)));
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Job job = newJob();
            jobs.add(job);
            subscribe(SLOW_RECEIVER, slow, job.id, null);
            subscribe(RECEIVER, fast, job.id, null);
        }

        Map<String, Instant> sent = new java.util.HashMap<>();
        for (Job job : jobs) {
            sent.put(job.id, Instant.now());
            onToken(job.token, body(job.id, "fail", "")).statusCode(200);
        }

        List<LoggedRequest> fastRequests = awaitRequests(RECEIVER, fast, jobs.size());
        List<Long> fastLatency = new ArrayList<>();
        for (LoggedRequest request : fastRequests) {
            String jobId = request.getBodyAsString().replaceAll(".*\"subject\":\"([^\"]+)\".*", "$1");
            fastLatency.add(Duration.between(sent.get(jobId), request.getLoggedDate().toInstant()).toMillis());
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> db.count("SELECT count(*) FROM delivery_attempt a"
                + " JOIN webhook_delivery d ON d.id = a.delivery_id WHERE d.url LIKE ?", "%" + slow) >= 1);
        long slowLatency = db.count("SELECT max(a.latency_ms) FROM delivery_attempt a JOIN webhook_delivery d"
                + " ON d.id = a.delivery_id WHERE d.url LIKE ?", "%" + slow);
        System.out.printf("Healthy endpoint latencies %s ms while the slow endpoint's attempts take %d ms"
                + " (timeout)%n", fastLatency, slowLatency);
        fastLatency.forEach(ms -> assertTrue(ms < 1500, "healthy endpoint delayed: " + fastLatency));
        assertTrue(slowLatency >= 1900, "the slow endpoint's attempt ran into the 2 s timeout: " + slowLatency);
    }

    @Test
    void aJobsHistoryCanBeReplayedInOrderAsNewMessages() throws Exception {
        String path = "/hooks/" + UUID.randomUUID();
        RECEIVER.stubFor(post(path).willReturn(aResponse().withStatus(200)));
        Job job = newJob();
        Map<String, String> subscription = subscribe(path, job.id, null);
        onToken(job.token, body(job.id, "working", "")).statusCode(200);
        onToken(job.token, body(job.id, "success", "")).statusCode(200);
        List<LoggedRequest> originals = awaitRequests(RECEIVER, path, 2);

        as("globex").contentType("application/json").body("{\"jobId\":\"" + job.id + "\"}")
                .post("/api/subscriptions/" + subscription.get("id") + "/replay").then().statusCode(200)
                .body("queued", equalTo(2));

        List<LoggedRequest> all = awaitRequests(RECEIVER, path, 4);
        List<String> types = new ArrayList<>();
        for (LoggedRequest request : all) {
            types.add(mapper.readTree(request.getBodyAsString()).get("type").asText());
        }
        assertEquals(List.of("ai.sxwl.job.running", "ai.sxwl.job.succeeded", "ai.sxwl.job.running",
                "ai.sxwl.job.succeeded"), types);
        assertNotEquals(originals.get(0).getHeader("webhook-id"), all.get(2).getHeader("webhook-id"));
        assertEquals(originals.get(0).getBodyAsString(), all.get(2).getBodyAsString(), "the same CloudEvent");
    }

    @Test
    void aLaterEventWaitsWhileAnEarlierOneOfTheSameJobIsRetried() throws Exception {
        String path = "/hooks/" + UUID.randomUUID();
        RECEIVER.stubFor(post(path).inScenario(path).whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("second"));
        RECEIVER.stubFor(post(path).inScenario(path).whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        RECEIVER.stubFor(post(path).inScenario(path).whenScenarioStateIs("up").willReturn(aResponse().withStatus(200)));
        Job job = newJob();
        subscribe(path, job.id, null);

        onToken(job.token, body(job.id, "working", "")).statusCode(200);
        onToken(job.token, body(job.id, "success", "")).statusCode(200);

        List<String> types = new ArrayList<>();
        for (LoggedRequest request : awaitRequests(RECEIVER, path, 4)) {
            types.add(mapper.readTree(request.getBodyAsString()).get("type").asText());
        }
        assertEquals(List.of("ai.sxwl.job.running", "ai.sxwl.job.running", "ai.sxwl.job.running",
                "ai.sxwl.job.succeeded"), types, "succeeded went out only after running was delivered");
    }

    @Test
    void aTimeWindowCanBeReplayed() throws Exception {
        String path = "/hooks/" + UUID.randomUUID();
        RECEIVER.stubFor(post(path).willReturn(aResponse().withStatus(200)));
        Job job = newJob();
        Map<String, String> subscription = subscribe(path, job.id, null);
        Instant since = Instant.now().minusSeconds(1);
        onToken(job.token, body(job.id, "fail", "")).statusCode(200);
        awaitRequests(RECEIVER, path, 1);

        as("globex").contentType("application/json").body(Map.of("since", since.toString()))
                .post("/api/subscriptions/" + subscription.get("id") + "/replay").then().statusCode(200)
                .body("queued", equalTo(1));

        List<LoggedRequest> requests = awaitRequests(RECEIVER, path, 2);
        assertEquals(requests.get(0).getBodyAsString(), requests.get(1).getBodyAsString());
    }

    @Test
    void afterARotationBothSecretsSignForAWhile() {
        String path = "/hooks/" + UUID.randomUUID();
        RECEIVER.stubFor(post(path).willReturn(aResponse().withStatus(200)));
        Job job = newJob();
        Map<String, String> subscription = subscribe(path, job.id, null);
        String rotated = as("globex").post("/api/subscriptions/" + subscription.get("id") + "/rotate-secret")
                .then().statusCode(200).extract().path("secret");

        onToken(job.token, body(job.id, "fail", "")).statusCode(200);

        LoggedRequest request = awaitRequests(RECEIVER, path, 1).get(0);
        String[] signatures = request.getHeader("webhook-signature").split(" ");
        assertEquals(2, signatures.length);
        for (String secret : List.of(rotated, subscription.get("secret"))) {
            assertTrue(StandardWebhooksVerifier.verify(secret, request.getHeader("webhook-id"),
                    request.getHeader("webhook-timestamp"), request.getBodyAsString(),
                    request.getHeader("webhook-signature")));
        }
        as("globex").get("/api/subscriptions/" + subscription.get("id")).then()
                .body("secret", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void refusedTargetsAndUnknownTypesAre422() {
        for (String url : List.of("http://169.254.169.254/latest/meta-data", "ftp://example.com/hook",
                "https://user:secret@example.com/", "not a url")) {
            as("globex").body(Map.of("url", url)).post("/api/subscriptions").then().statusCode(422)
                    .contentType("application/problem+json").body("errors.field", hasItem("url"));
        }
        as("globex").body(Map.of("url", receiverUrl("/x"), "eventTypes", List.of("ai.sxwl.job.exploded")))
                .post("/api/subscriptions").then().statusCode(422).body("errors.field", hasItem("eventTypes"));
    }

    @Test
    void aTenantSeesOnlyItsOwnSubscriptionsAndDeliveries() {
        Job job = newJob();
        Map<String, String> subscription = subscribe("/hooks/" + UUID.randomUUID(), job.id, null);

        as("acme").get("/api/subscriptions/" + subscription.get("id")).then().statusCode(404);
        as("acme").post("/api/subscriptions/" + subscription.get("id") + "/rotate-secret").then().statusCode(404);
        as("acme").delete("/api/subscriptions/" + subscription.get("id")).then().statusCode(404);
        as("acme").get("/api/subscriptions").then().body("id", org.hamcrest.Matchers.not(hasItem(
                subscription.get("id"))));
        as("globex").delete("/api/subscriptions/" + subscription.get("id")).then().statusCode(204);
        as("globex").get("/api/subscriptions/" + subscription.get("id")).then().statusCode(404);
    }

    private record Job(String id, String token) {
    }

    private Job newJob() {
        String jobId = TestJobs.newJobId();
        return new Job(jobId, tokens.mint(TestJobs.submission("globex", jobId)));
    }

    private Map<String, String> subscribe(String path, String jobId, List<String> types) {
        return subscribe(RECEIVER, path, jobId, types);
    }

    private Map<String, String> subscribe(WireMockServer receiver, String path, String jobId, List<String> types) {
        Map<String, Object> request = new java.util.HashMap<>(Map.of("url",
                "http://localhost:" + receiver.port() + path, "jobId", jobId, "description", "test"));
        if (types != null) {
            request.put("eventTypes", types);
        }
        var created = as("globex").body(request).post("/api/subscriptions").then().statusCode(201).extract();
        assertTrue(created.<String>path("secret").startsWith("whsec_"));
        return Map.of("id", created.path("id"), "secret", created.path("secret"));
    }

    private static String receiverUrl(String path) {
        return "http://localhost:" + RECEIVER.port() + path;
    }

    private static List<LoggedRequest> awaitRequests(WireMockServer receiver, String path, int count) {
        await().atMost(Duration.ofSeconds(20)).until(() ->
                receiver.findAll(postRequestedFor(urlEqualTo(path))).size() >= count);
        List<LoggedRequest> requests = new ArrayList<>(receiver.findAll(postRequestedFor(urlEqualTo(path))));
        requests.sort(Comparator.comparing(LoggedRequest::getLoggedDate));
        return requests;
    }

    private static WireMockServer start() {
        WireMockServer server = new WireMockServer(options().dynamicPort().containerThreads(40));
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        return server;
    }
}
