package ai.sxwl.gateway.webhook;

import ai.sxwl.gateway.callback.CallbackTokens;
import ai.sxwl.gateway.testing.Db;
import ai.sxwl.gateway.testing.Jobs;
import ai.sxwl.gateway.testing.TestJobs;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static ai.sxwl.gateway.testing.Api.as;
import static ai.sxwl.gateway.testing.Callbacks.body;
import static ai.sxwl.gateway.testing.Callbacks.onToken;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fan-out after commit (issue 18): a tenant with the cap's worth of matching subscriptions and a burst of changes
 * costs another tenant's callbacks nothing, every one of its deliveries is created all the same, and its bulk
 * re-sends are bounded.
 */
@QuarkusTest
class FanOutIsolationTest {

    /** Tenant B: many subscriptions. Its own tenant, so that no other test's changes fan out to them. */
    private static final String B = "umbrella";
    /** The tenant whose replays are counted: no other test replays as it (the allowance is per tenant and minute). */
    private static final String REPLAYER = "hooli";
    private static final int B_JOBS = 15;
    private static final int A_CALLBACKS = 120;
    private static final WireMockServer RECEIVER = new WireMockServer(options().dynamicPort().containerThreads(40));

    static {
        RECEIVER.start();
        RECEIVER.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(204)));
        Runtime.getRuntime().addShutdownHook(new Thread(RECEIVER::stop));
    }

    @ConfigProperty(name = "gateway.webhooks.max-subscriptions-per-tenant")
    int cap;

    @Inject
    CallbackTokens tokens;

    @Inject
    Db db;

    @Inject
    Jobs jobs;

    @AfterEach
    void deleteTheSubscriptions() {
        for (String tenant : List.of(B, "initech", REPLAYER)) {
            List<String> ids = as(tenant).get("/api/subscriptions").then().statusCode(200).extract().path("id");
            ids.forEach(id -> as(tenant).delete("/api/subscriptions/" + id).then().statusCode(204));
        }
    }

    @Test
    void aTenantsFanOutNeverLengthensAnotherTenantsCallbacks() throws Exception {
        long[] alone = measure(aCallbacks());

        for (int i = 0; i < cap; i++) {
            // Each at one attempt a second: what is measured here is the fan-out, not B's receivers' traffic.
            as(B).body(Map.of("url", "http://localhost:" + RECEIVER.port() + "/b/" + i, "rateLimitPerSecond", 1))
                    .post("/api/subscriptions").then().statusCode(201);
        }
        as(B).body(Map.of("url", "http://localhost:" + RECEIVER.port() + "/b/over")).post("/api/subscriptions")
                .then().statusCode(422).contentType("application/problem+json");

        List<String> bJobs = new ArrayList<>();
        List<Callable<Integer>> burst = new ArrayList<>();
        for (int i = 0; i < B_JOBS; i++) {
            String jobId = TestJobs.newJobId();
            bJobs.add(jobId);
            String token = tokens.mint(TestJobs.submission(B, jobId));
            burst.add(() -> onToken(token, body(jobId, "working", "")).extract().statusCode());
            burst.add(() -> onToken(token, body(jobId, "success", TestJobs.signedModelUrl(jobId, 2_000_000_000L)))
                    .extract().statusCode());
        }
        List<Callable<Long>> aBesideB = aCallbacks();
        ExecutorService senders = Executors.newFixedThreadPool(8);
        long[] besideB;
        long started = System.nanoTime();
        try {
            List<Future<Integer>> bAnswers = new ArrayList<>();
            for (Callable<Integer> post : burst) {
                bAnswers.add(senders.submit(post));
            }
            besideB = measure(aBesideB);
            for (Future<Integer> answer : bAnswers) {
                assertEquals(200, answer.get());
            }
        } finally {
            senders.shutdown();
        }

        // Every (subscription, change), once. A job's two callbacks race, and a "working" after the "success" is an
        // anomaly, not a change: count the changes stored.
        String bJobList = "('" + String.join("','", bJobs) + "')";
        long expected = db.count("SELECT count(*) FROM job_event WHERE job_id IN " + bJobList) * cap;
        String ofB = "FROM webhook_delivery WHERE tenant = '" + B + "' AND job_id IN " + bJobList;
        await().atMost(Duration.ofSeconds(120)).until(() -> db.count("SELECT count(*) " + ofB) >= expected);
        long fannedOutMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(expected, db.count("SELECT count(*) " + ofB));
        assertEquals(expected, db.count("SELECT count(*) FROM (SELECT DISTINCT subscription_id, job_id, seq " + ofB
                + ") d"));
        System.out.printf("FAN-OUT tenant A's callbacks (%d, 4 at once): p50 / p99 / max %d / %d / %d ms alone,"
                        + " %d / %d / %d ms beside tenant B's %d changes to %d subscriptions each (%d delivery rows,"
                        + " all created %d ms after the burst began)%n", A_CALLBACKS, alone[0], alone[1], alone[2],
                besideB[0], besideB[1], besideB[2], expected / cap, cap, expected, fannedOutMillis);
    }

    @Test
    void aChangeLeftUnfannedOutByACrashIsFannedOutOnceByTheNextPass() {
        String subscription = subscribe("initech", "/initech/" + UUID.randomUUID());
        String jobId = TestJobs.newJobId();
        // As a kill -9 right after the change's commit leaves it: the change and its fan-out row stored, no delivery.
        jobs.update("INSERT INTO job (job_id, tenant, status, seq, created_at, updated_at) VALUES (?, 'initech',"
                + " 'failed', 1, ?, ?)", jobId, Instant.now(), Instant.now());
        jobs.update("INSERT INTO job_event (job_id, tenant, seq, type, state_key, status, detected_by, occurred_at)"
                + " VALUES (?, 'initech', 1, 'failed', 'failed', 'failed', 'callback', ?)", jobId, Instant.now());
        jobs.update("INSERT INTO webhook_fan_out (job_id, seq) VALUES (?, 1)", jobId);

        await().atMost(Duration.ofSeconds(20)).until(() -> db.count("SELECT count(*) FROM webhook_fan_out"
                + " WHERE job_id = ?", jobId) == 0);
        assertEquals(1, db.count("SELECT count(*) FROM webhook_delivery WHERE job_id = ? AND subscription_id = ?",
                jobId, subscription));

        // Fanned out again (a pass redone, or a previous release that fanned it out in its own transaction): the
        // same webhook-id, so still one delivery.
        jobs.update("INSERT INTO webhook_fan_out (job_id, seq) VALUES (?, 1)", jobId);
        await().atMost(Duration.ofSeconds(20)).until(() -> db.count("SELECT count(*) FROM webhook_fan_out"
                + " WHERE job_id = ?", jobId) == 0);
        assertEquals(1, db.count("SELECT count(*) FROM webhook_delivery WHERE job_id = ? AND subscription_id = ?",
                jobId, subscription));
    }

    @Test
    void replaysAndRedeliveriesOfDeadAreBoundedPerTenantAMinute() {
        String subscription = subscribe(REPLAYER, "/" + REPLAYER + "/" + UUID.randomUUID());
        String since = Instant.now().minusSeconds(60).toString();
        int allowed = 10; // gateway.webhooks.replays-per-tenant-per-minute's default
        for (int i = 0; i < allowed; i++) {
            String path = i % 2 == 0 ? "/replay" : "/redeliver-dead";
            as(REPLAYER).body(Map.of("since", since)).post("/api/subscriptions/" + subscription + path).then()
                    .statusCode(200);
        }
        as(REPLAYER).body(Map.of("since", since)).post("/api/subscriptions/" + subscription + "/replay").then()
                .statusCode(429).contentType("application/problem+json").header("Retry-After", notNullValue())
                .body("status", equalTo(429));
        as(REPLAYER).body(Map.of("since", since)).post("/api/subscriptions/" + subscription + "/redeliver-dead")
                .then().statusCode(429);
        assertTrue(Integer.parseInt(as(REPLAYER).body(Map.of("since", since))
                .post("/api/subscriptions/" + subscription + "/replay").then().extract().header("Retry-After")) <= 60);
    }

    /** Tenant A's callbacks, each for a job of its own, each answering its latency in ms. */
    private List<Callable<Long>> aCallbacks() {
        List<Callable<Long>> posts = new ArrayList<>();
        for (int i = 0; i < A_CALLBACKS; i++) {
            String jobId = TestJobs.newJobId();
            String token = tokens.mint(TestJobs.submission("acme", jobId));
            posts.add(() -> {
                long start = System.nanoTime();
                onToken(token, body(jobId, "success", TestJobs.signedModelUrl(jobId, 2_000_000_000L)))
                        .statusCode(200); // never 503
                return (System.nanoTime() - start) / 1_000_000;
            });
        }
        return posts;
    }

    /** Posts them 4 at once: their latencies' p50, p99 and max in ms. */
    private static long[] measure(List<Callable<Long>> posts) throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(4);
        try {
            List<Long> millis = new ArrayList<>();
            for (Future<Long> answer : senders.invokeAll(posts)) {
                millis.add(answer.get());
            }
            millis.sort(null);
            return new long[] {millis.get(millis.size() / 2), millis.get((int) Math.ceil(millis.size() * 0.99) - 1),
                    millis.get(millis.size() - 1)};
        } finally {
            senders.shutdown();
        }
    }

    private String subscribe(String tenant, String path) {
        return as(tenant).body(Map.of("url", "http://localhost:" + RECEIVER.port() + path)).post("/api/subscriptions")
                .then().statusCode(201).extract().path("id");
    }
}
