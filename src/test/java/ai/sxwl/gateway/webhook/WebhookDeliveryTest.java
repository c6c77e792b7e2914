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

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
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

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

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
        // What the endpoint answered is kept (an attempt that timed out on a busy machine has none: any of the four).
        as("globex").get("/api/deliveries?state=dead&jobId=" + job.id).then()
                .body("items[0].attempts.responseExcerpt", org.hamcrest.Matchers.hasItem("down for maintenance"));

        RECEIVER.stubFor(post(path).willReturn(aResponse().withStatus(200)));
        long id = ((Number) as("globex").get("/api/deliveries?jobId=" + job.id).then().extract()
                .path("items[0].id")).longValue();
        as("globex").post("/api/deliveries/" + id + "/redeliver").then().statusCode(200);

        List<LoggedRequest> requests = awaitRequests(RECEIVER, path, 5);
        assertEquals(requests.get(0).getHeader("webhook-id"), requests.get(4).getHeader("webhook-id"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> as("globex").get("/api/deliveries/" + id)
                .then().body("state", equalTo("delivered")));
    }

    @Test
    void everyDeadDeliveryOfASubscriptionCanBeRedeliveredAtOnce() {
        String path = "/hooks/" + UUID.randomUUID();
        RECEIVER.stubFor(post(path).willReturn(aResponse().withStatus(500)));
        Job first = newJob();
        Job second = newJob();
        Map<String, String> subscription = subscribe(path, null, null);
        try {
            onToken(first.token, body(first.id, "fail", "")).statusCode(200);
            onToken(second.token, body(second.id, "fail", "")).statusCode(200);
            awaitRequests(RECEIVER, path, 2);
            // Both first attempts recorded (the receiver logs a request before the gateway records its answer, which
            // would overwrite the state set here); the endpoint's breaker then holds the next ones for 30 s.
            await().atMost(Duration.ofSeconds(20)).until(() -> db.count("SELECT count(*) FROM webhook_delivery"
                    + " WHERE subscription_id = ? AND state = 'failed'", subscription.get("id")) == 2);
            // Given up on (the retry schedule is covered above).
            jobs.update("UPDATE webhook_delivery SET state = 'dead', next_attempt_at = NULL WHERE subscription_id = ?",
                    subscription.get("id"));
            RECEIVER.stubFor(post(path).willReturn(aResponse().withStatus(200)));

            as("globex").contentType("application/json").body("{\"since\":\"2020-01-01T00:00:00Z\"}")
                    .post("/api/subscriptions/" + subscription.get("id") + "/redeliver-dead").then().statusCode(200)
                    .body("queued", equalTo(2));

            for (Job job : List.of(first, second)) {
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> as("globex")
                        .get("/api/deliveries?jobId=" + job.id + "&subscriptionId=" + subscription.get("id")).then()
                        .body("items[0].state", equalTo("delivered")));
            }
        } finally {
            as("globex").delete("/api/subscriptions/" + subscription.get("id")).then().statusCode(204);
        }
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
        assertEquals(jobId, body.get("jobId").asText(), "the real sender's key");
        assertEquals(jobId, body.get("job_id").asText(), "the document's key");
        assertTrue(body.get("url").asText().contains("Expires="));
        assertEquals(List.of("status", "jobId", "job_id", "url"), fieldNames(body), "what SXWL posts, both id keys");
        String secret = as("acme").get("/api/signing-secret").then().statusCode(200).extract().path("secret");
        assertTrue(StandardWebhooksVerifier.verify(secret, request.getHeader("webhook-id"),
                request.getHeader("webhook-timestamp"), request.getBodyAsString(),
                request.getHeader("webhook-signature")));
    }

    @Test
    void aModelUrlThatArrivesAfterTheSuccessIsForwardedToTheJobsOwnCallbackUrl() throws Exception {
        String path = "/hooks/" + UUID.randomUUID();
        RECEIVER.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(200)));
        String spec = ai.sxwl.gateway.testing.Api.spec("sim:success-nourl")
                .replace("https://llm.nascentcore.cn/api/test/callback", receiverUrl(path));
        String jobId = as("acme").body(spec).post("/api/userJob").then().statusCode(200).extract().path("job_id");
        JsonNode success = mapper.readTree(awaitRequests(RECEIVER, path, 1).get(0).getBodyAsString());
        assertEquals("", success.get("url").asText(), "the callback carried no model URL");

        // Asking for the model URL fetches it from upstream: a model_available change, forwarded like SXWL would.
        as("acme").get("/api/jobs/" + jobId + "/model-url").then().statusCode(200);

        JsonNode refresh = mapper.readTree(awaitRequests(RECEIVER, path, 2).get(1).getBodyAsString());
        assertEquals("success", refresh.get("status").asText());
        assertEquals(jobId, refresh.get("jobId").asText());
        assertEquals(jobId, refresh.get("job_id").asText());
        assertTrue(refresh.get("url").asText().contains("Expires="), refresh.toString());
    }

    private static List<String> fieldNames(JsonNode body) {
        List<String> names = new ArrayList<>();
        body.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void aRateLimitedSubscriptionGetsAtMostItsRateEvenFromABacklog() {
        String path = "/hooks/" + UUID.randomUUID();
        RECEIVER.stubFor(post(path).willReturn(aResponse().withStatus(204)));
        Map<String, Object> request = Map.of("url", receiverUrl(path), "eventTypes", List.of("ai.sxwl.job.failed"),
                "rateLimitPerSecond", 2);
        String id = as("globex").body(request).post("/api/subscriptions").then().statusCode(201)
                .body("rateLimitPerSecond", equalTo(2)).extract().path("id");
        as("globex").body(Map.of("rateLimitPerSecond", -1)).patch("/api/subscriptions/" + id).then().statusCode(422)
                .body("errors[0].field", equalTo("rateLimitPerSecond"));
        int count = 7;
        for (int i = 0; i < count; i++) { // a backlog: seven events due at once
            Job job = newJob();
            onToken(job.token, body(job.id, "fail", "")).statusCode(200);
        }

        List<LoggedRequest> requests = awaitRequests(RECEIVER, path, count);
        List<Long> at = requests.stream().map(r -> r.getLoggedDate().getTime()).toList();
        long span = at.get(count - 1) - at.get(0);
        assertTrue(span >= (count - 1) * 500 * 9 / 10, "7 deliveries at 2/s take about 3 s, took " + span + " ms");
        for (int i = 0; i + 2 < count; i++) { // three in a row span a second (less the arrival jitter)
            assertTrue(at.get(i + 2) - at.get(i) >= 800, "no second holds more than the limit: " + at);
        }
        // 0 removes the limit.
        as("globex").body(Map.of("rateLimitPerSecond", 0)).patch("/api/subscriptions/" + id).then().statusCode(200)
                .body("rateLimitPerSecond", org.hamcrest.Matchers.nullValue());
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
        assertTrue(slowLatency >= 1900, "the slow endpoint's attempt ran into the 2 s timeout: " + slowLatency);
        // In this order: every healthy delivery arrived before the slow endpoint's first attempt ended (it is
        // recorded when it ends), so none of them waited behind it.
        Instant firstSlowEnded = ((java.sql.Timestamp) db.rows("SELECT min(a.attempted_at) AS ended FROM"
                + " delivery_attempt a JOIN webhook_delivery d ON d.id = a.delivery_id WHERE d.url LIKE ?", "%" + slow)
                .get(0).get("ended")).toInstant();
        for (LoggedRequest request : fastRequests) {
            assertTrue(request.getLoggedDate().toInstant().isBefore(firstSlowEnded), "healthy endpoint delayed: "
                    + fastLatency + " ms; the slow endpoint's first attempt ended at " + firstSlowEnded);
        }
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
                "https://user:secret@example.com/", "not a url", "http://169.254.170.2/",
                "http://100.100.100.200/", "http://[fd00:ec2::254]/", "http://[64:ff9b::a9fe:a9fe]/",
                // issue 18's forms that hid 169.254.169.254, and a port no socket has
                "http://[::ffff:0:a9fe:a9fe]/", "http://[64:ff9b:1::a9fe:a9fe]/",
                "http://[2001:0:4136:e378:8000:63bf:5601:5601]/", "http://localhost:99999/x")) {
            as("globex").body(Map.of("url", url)).post("/api/subscriptions").then().statusCode(422)
                    .contentType("application/problem+json").body("errors.field", hasItem("url"));
        }
        as("globex").body(Map.of("url", receiverUrl("/x"), "eventTypes", List.of("ai.sxwl.job.exploded")))
                .post("/api/subscriptions").then().statusCode(422).body("errors.field", hasItem("eventTypes"));
    }

    @Test
    void aSubscriptionCannotBePatchedToAMetadataUrl() {
        Map<String, String> subscription = subscribe("/hooks/" + UUID.randomUUID(), null, null);
        try {
            for (String url : List.of("http://169.254.169.254/latest/meta-data", "http://[::ffff:0:a9fe:a9fe]/",
                    "http://[64:ff9b:1::a9fe:a9fe]/", "http://[2001:0:4136:e378:8000:63bf:5601:5601]/")) {
                as("globex").body(Map.of("url", url)).patch("/api/subscriptions/" + subscription.get("id")).then()
                        .statusCode(422).contentType("application/problem+json").body("errors.field", hasItem("url"));
            }
            as("globex").get("/api/subscriptions/" + subscription.get("id")).then()
                    .body("url", org.hamcrest.Matchers.startsWith("http://localhost:" + RECEIVER.port() + "/hooks/"));
        } finally {
            as("globex").delete("/api/subscriptions/" + subscription.get("id")).then().statusCode(204);
        }
    }

    @Test
    void aRedirectIsAFailedAttemptAndIsNeverFollowed() {
        String path = "/hooks/" + UUID.randomUUID();
        String followed = path + "/followed";
        RECEIVER.stubFor(post(path).inScenario(path).whenScenarioStateIs(STARTED).willSetStateTo("local")
                .willReturn(aResponse().withStatus(302).withHeader("Location", "http://169.254.169.254/")));
        RECEIVER.stubFor(post(path).inScenario(path).whenScenarioStateIs("local")
                .willReturn(aResponse().withStatus(307).withHeader("Location", receiverUrl(followed))));
        RECEIVER.stubFor(post(followed).willReturn(aResponse().withStatus(200)));
        Job job = newJob();
        Map<String, String> subscription = subscribe(path, job.id, null);
        try {
            onToken(job.token, body(job.id, "fail", "")).statusCode(200);

            awaitRequests(RECEIVER, path, 2);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> as("globex")
                    .get("/api/deliveries?jobId=" + job.id + "&subscriptionId=" + subscription.get("id")).then()
                    .body("items[0].attempts.statusCode", equalTo(List.of(302, 307)))
                    .body("items[0].state", org.hamcrest.Matchers.not(equalTo("delivered"))));
            assertEquals(0, RECEIVER.findAll(postRequestedFor(urlEqualTo(followed))).size(),
                    "a redirect to a receiver that would answer 200 is not followed either");
        } finally {
            as("globex").delete("/api/subscriptions/" + subscription.get("id")).then().statusCode(204);
        }
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

    @Test
    void aTargetThatMisbehavesInAnyWayCostsAHealthyOneNothing() throws Exception {
        String healthyPath = "/hooks/" + UUID.randomUUID();
        RECEIVER.stubFor(post(healthyPath).willReturn(aResponse().withStatus(200)));
        String nulPath = "/hooks/" + UUID.randomUUID();
        SLOW_RECEIVER.stubFor(post(nulPath).willReturn(aResponse().withStatus(500)
                .withBody(new byte[]{'b', 'a', 'd', 0, 0, 'x', (byte) 0xff, '!'})));
        List<String> subscriptions = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0); ServerSocket endless = new ServerSocket(0)) {
            serve(silent, socket -> {
                // takes the connection, never reads, never answers
            });
            serve(endless, WebhookDeliveryTest::answerWithAHundredMegabytes);
            String healthy = subscribe(healthyPath, null, null).get("id");
            subscriptions.add(healthy);
            Duration alone = medianLatency(healthy, healthyPath, 6);

            String badPort = subscribeTo("http://127.0.0.1:1/hook");
            String neverAnswers = subscribeTo("http://127.0.0.1:" + silent.getLocalPort() + "/hook");
            String blackHoled = subscribeTo(receiverUrl("/renamed"));
            jobs.update("UPDATE subscription SET url = ? WHERE id = ?",
                    "http://sink" + ai.sxwl.gateway.testing.BlackHoledDns.DOMAIN + "/hook", blackHoled);
            String huge = subscribeTo("http://127.0.0.1:" + endless.getLocalPort() + "/hook");
            String nul = subscribe(SLOW_RECEIVER, nulPath, null, null).get("id");
            subscriptions.addAll(List.of(badPort, neverAnswers, blackHoled, huge, nul));

            Duration beside = medianLatency(healthy, healthyPath, 6);
            System.out.printf("Healthy endpoint median delivery: %d ms alone, %d ms beside five misbehaving ones%n",
                    alone.toMillis(), beside.toMillis());
            // Waiting behind any of them would cost at least a second (the black-holed name's DNS timeout; the
            // silent one's is 2 s): the margin below stays under it and well above a busy machine's jitter.
            assertTrue(beside.compareTo(alone.plusMillis(700)) < 0,
                    "alone " + alone + ", beside misbehaving targets " + beside);

            // And each misbehaving target's attempts were recorded, with what went wrong, in bounded time.
            await().atMost(Duration.ofSeconds(15)).until(() -> attempts(badPort) > 0 && attempts(neverAnswers) > 0
                    && attempts(blackHoled) > 0 && attempts(huge) > 0 && attempts(nul) > 0);
            assertTrue(lastAttempt(badPort).get("error").toString().toLowerCase().contains("refused"));
            assertTrue(lastAttempt(neverAnswers).get("error").toString().contains("within"));
            assertTrue((Integer) lastAttempt(neverAnswers).get("latency_ms") < 3000);
            assertTrue(lastAttempt(blackHoled).get("error").toString().contains("does not resolve, within the DNS timeout"));
            Map<String, Object> hugeAttempt = lastAttempt(huge);
            assertEquals(500, hugeAttempt.get("status_code"));
            assertEquals("z".repeat(WebhookSender.EXCERPT_BYTES), hugeAttempt.get("response_excerpt"));
            assertTrue((Integer) hugeAttempt.get("latency_ms") < 1500, "read only the start: " + hugeAttempt);
            Map<String, Object> nulAttempt = lastAttempt(nul);
            assertEquals("bad\uFFFD\uFFFDx\uFFFD!", nulAttempt.get("response_excerpt"));
        } finally {
            subscriptions.forEach(id -> as("globex").delete("/api/subscriptions/" + id).then().statusCode(204));
        }
    }

    @Test
    void aFailureBeforeTheSendIsRecordedAndFreesTheEndpointsSlots() {
        String path = "/hooks/" + UUID.randomUUID();
        RECEIVER.stubFor(post(path).willReturn(aResponse().withStatus(200)));
        Map<String, String> subscription = subscribe(path, null, null);
        try {
            // A secret that cannot be decoded makes signing throw, after the claim took the endpoint's slots.
            jobs.update("UPDATE subscription SET secret = 'whsec_%%%' WHERE id = ?", subscription.get("id"));
            for (int i = 0; i < 5; i++) { // more than the 4 slots an endpoint has
                Job job = newJob();
                onToken(job.token, body(job.id, "fail", "")).statusCode(200);
            }
            // More attempts than the endpoint has slots (first attempts and retries alike: which come first depends
            // on the machine, and the fifth failure opens the endpoint's breaker): had a failed attempt kept its slot,
            // the fifth would never start.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertTrue(db.count(
                    "SELECT count(*) FROM webhook_delivery d JOIN delivery_attempt a ON a.delivery_id = d.id"
                    + " WHERE d.subscription_id = ? AND a.error LIKE 'IllegalArgumentException%'",
                    subscription.get("id")) > 4, () -> "deliveries and attempts: " + db.rows("SELECT d.id, d.state,"
                    + " a.error FROM webhook_delivery d LEFT JOIN delivery_attempt a ON a.delivery_id = d.id"
                    + " WHERE d.subscription_id = ?", subscription.get("id"))));
            await().atMost(Duration.ofSeconds(5)).until(() -> registry.get("gateway.webhook.in.flight").gauge()
                    .value() == 0);
            assertTrue(RECEIVER.findAll(postRequestedFor(urlEqualTo(path))).isEmpty(), "nothing unsigned went out");
        } finally {
            as("globex").delete("/api/subscriptions/" + subscription.get("id")).then().statusCode(204);
        }
    }

    /** Posts {@code count} events of fresh jobs, one after the other, and returns the median of their delivery. */
    private Duration medianLatency(String subscriptionId, String path, int count) {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Job job = newJob();
            int before = RECEIVER.findAll(postRequestedFor(urlEqualTo(path))).size();
            long sent = System.nanoTime();
            onToken(job.token, body(job.id, "fail", "")).statusCode(200);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() ->
                    RECEIVER.findAll(postRequestedFor(urlEqualTo(path))).size() > before);
            millis.add((System.nanoTime() - sent) / 1_000_000);
        }
        millis.sort(Long::compare);
        return Duration.ofMillis(millis.get(count / 2));
    }

    private String subscribeTo(String url) {
        return as("globex").body(Map.of("url", url)).post("/api/subscriptions").then().statusCode(201)
                .extract().path("id");
    }

    private long attempts(String subscriptionId) {
        return db.count("SELECT count(*) FROM delivery_attempt a JOIN webhook_delivery d ON d.id = a.delivery_id"
                + " WHERE d.subscription_id = ?", subscriptionId);
    }

    private Map<String, Object> lastAttempt(String subscriptionId) {
        return db.rows("SELECT a.* FROM delivery_attempt a JOIN webhook_delivery d ON d.id = a.delivery_id"
                + " WHERE d.subscription_id = ? ORDER BY a.id DESC LIMIT 1", subscriptionId).get(0);
    }

    /** Accepts connections on a daemon thread and hands each to {@code handler}; they stay open until the end. */
    private static void serve(ServerSocket server, java.util.function.Consumer<Socket> handler) {
        Thread acceptor = new Thread(() -> {
            List<Socket> held = new ArrayList<>();
            try {
                while (!server.isClosed()) {
                    Socket socket = server.accept();
                    held.add(socket);
                    Thread connection = new Thread(() -> handler.accept(socket));
                    connection.setDaemon(true);
                    connection.start();
                }
            } catch (IOException closed) {
                held.forEach(socket -> {
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // closing anyway
                    }
                });
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A 500 announcing 100 MB of body, streamed for as long as the client keeps reading. */
    /** Reads one HTTP request: its head up to the blank line, then Content-Length bytes of body. */
    private static void readRequest(java.io.InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            head.append((char) b);
        }
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length:\\s*(\\d+)")
                .matcher(head);
        if (length.find()) {
            in.readNBytes(Integer.parseInt(length.group(1)));
        }
    }

    private static void answerWithAHundredMegabytes(Socket socket) {
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'z');
        try {
            // Read the whole request first: closing with it unread would reset the connection, and the gateway could
            // see the reset before the answer's first bytes.
            readRequest(socket.getInputStream());
            var out = socket.getOutputStream();
            out.write(("HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: "
                    + (100 << 20) + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            for (int sent = 0; sent < 100 << 20; sent += chunk.length) {
                out.write(chunk);
            }
        } catch (IOException clientGaveUp) {
            // what the gateway should do after the first KiB
        }
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
                "http://localhost:" + receiver.port() + path, "description", "test"));
        if (jobId != null) {
            request.put("jobId", jobId);
        }
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
