package ai.sxwl.gateway.benchmark;

import ai.sxwl.gateway.callback.CallbackTokens;
import ai.sxwl.gateway.testing.TestJobs;
import ai.sxwl.gateway.webhook.WebhooksConfig;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static ai.sxwl.gateway.testing.Api.as;
import static ai.sxwl.gateway.testing.Callbacks.body;
import static ai.sxwl.gateway.testing.Callbacks.onToken;
import static org.awaitility.Awaitility.await;

/**
 * Webhook delivery: throughput of the dispatcher to a fast local receiver (a parked backlog released at once), and
 * the latency (callback in, signed delivery out) to a healthy endpoint while another endpoint
 * never answers (every attempt runs into the 2 s test timeout), next to the same without the failing endpoint. The
 * whole path is measured: callback in, fan-out, signed delivery out. Run with {@code scripts/bench-webhooks.sh}.
 */
@QuarkusTest
@Tag("benchmark")
class WebhookBenchmark {

    static final int THROUGHPUT_EVENTS = 5000;
    static final int LATENCY_EVENTS = 300;

    @Inject
    Vertx vertx;

    @Inject
    CallbackTokens tokens;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    WebhooksConfig config;

    private final Map<String, Long> arrivals = new ConcurrentHashMap<>();

    /** Pending deliveries with no due time: they wait for their subscription to be enabled. */
    private List<String> parkDeliveries(String subscriptionId, int port, int count) throws Exception {
        List<String> subjects = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO webhook_delivery (message_id,"
                     + " tenant, subscription_id, target_key, url, job_id, seq, event_id, event_type, body, state,"
                     + " created_at, updated_at) VALUES (?, 'globex', ?, ?, ?, ?, 1, ?, 'ai.sxwl.job.failed', ?,"
                     + " 'pending', now(), now())")) {
            for (int i = 0; i < count; i++) {
                String jobId = TestJobs.newJobId();
                subjects.add(jobId);
                insert.setString(1, "msg_" + UUID.randomUUID().toString().replace("-", ""));
                insert.setString(2, subscriptionId);
                insert.setString(3, subscriptionId);
                insert.setString(4, "http://localhost:" + port + "/hook");
                insert.setString(5, jobId);
                insert.setString(6, jobId + ":failed");
                insert.setString(7, "{\"type\":\"ai.sxwl.job.failed\",\"subject\":\"" + jobId + "\"}");
                insert.addBatch();
            }
            insert.executeBatch();
        }
        return subjects;
    }

    @Test
    void deliveries() throws Exception {
        HttpServer fast = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            arrivals.put(subject(body.toString()), System.nanoTime());
            request.response().setStatusCode(204).end();
        })).listen(0).toCompletionStage().toCompletableFuture().get();
        // Accepts connections and never answers.
        HttpServer blackHole = vertx.createHttpServer().requestHandler(request -> { })
                .listen(0).toCompletionStage().toCompletableFuture().get();
        String fastSubscription = subscribe(fast.actualPort());

        // Throughput of the dispatcher alone: a backlog of deliveries parked on a disabled subscription, released
        // at once by enabling it.
        as("globex").body(Map.of("enabled", false)).patch("/api/subscriptions/" + fastSubscription).then()
                .statusCode(200);
        List<String> backlog = parkDeliveries(fastSubscription, fast.actualPort(), THROUGHPUT_EVENTS);
        long released = System.nanoTime();
        as("globex").body(Map.of("enabled", true)).patch("/api/subscriptions/" + fastSubscription).then()
                .statusCode(200);
        await().atMost(Duration.ofMinutes(5)).until(() -> arrivals.keySet().containsAll(backlog));
        long lastArrival = backlog.stream().mapToLong(arrivals::get).max().orElseThrow();
        double perSecond = THROUGHPUT_EVENTS / ((lastArrival - released) / 1e9);

        List<Long> healthyAlone = latencies(post(LATENCY_EVENTS, 1, 20));
        String failingSubscription = subscribe(blackHole.actualPort());
        List<Long> healthyBesideFailing = latencies(post(LATENCY_EVENTS, 1, 20));

        System.out.println("=== Webhook benchmark ===");
        System.out.printf("throughput to one fast local receiver: %d deliveries in %.2f s = %.0f deliveries/s"
                        + " (max %d in flight per endpoint)%n", THROUGHPUT_EVENTS, (lastArrival - released) / 1e9,
                perSecond, config.maxInFlightPerEndpoint());
        System.out.printf("healthy endpoint latency alone:                 p50 %d ms, p99 %d ms (%d events)%n",
                percentile(healthyAlone, 50), percentile(healthyAlone, 99), healthyAlone.size());
        System.out.printf("healthy endpoint latency, other endpoint dead:  p50 %d ms, p99 %d ms (%d events)%n",
                percentile(healthyBesideFailing, 50), percentile(healthyBesideFailing, 99),
                healthyBesideFailing.size());
        System.out.printf("ratio with/without the failing endpoint: p50 %.2f, p99 %.2f%n",
                percentile(healthyBesideFailing, 50) / (double) Math.max(1, percentile(healthyAlone, 50)),
                percentile(healthyBesideFailing, 99) / (double) Math.max(1, percentile(healthyAlone, 99)));
        as("globex").delete("/api/subscriptions/" + fastSubscription);
        as("globex").delete("/api/subscriptions/" + failingSubscription);
    }

    /** Posts one fail callback per new job from {@code threads} threads, pausing {@code pauseMs} between each. */
    private Map<String, Long> post(int events, int threads, long pauseMs) throws InterruptedException {
        Map<String, Long> sent = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int i = 0; i < events; i++) {
            String jobId = TestJobs.newJobId();
            String token = tokens.mint(TestJobs.submission("globex", jobId));
            pool.execute(() -> {
                sent.put(jobId, System.nanoTime());
                onToken(token, body(jobId, "fail", "")).statusCode(200);
            });
            if (pauseMs > 0) {
                Thread.sleep(pauseMs);
            }
        }
        pool.shutdown();
        pool.awaitTermination(5, TimeUnit.MINUTES);
        return sent;
    }

    private List<Long> latencies(Map<String, Long> sent) {
        await().atMost(Duration.ofMinutes(2)).until(() -> arrivals.keySet().containsAll(sent.keySet()));
        List<Long> millis = new ArrayList<>();
        sent.forEach((jobId, at) -> millis.add((arrivals.get(jobId) - at) / 1_000_000));
        Collections.sort(millis);
        return millis;
    }

    private static long percentile(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * p / 100.0) - 1));
    }

    private static String subscribe(int port) {
        return as("globex").body(Map.of("url", "http://localhost:" + port + "/hook", "eventTypes",
                List.of("ai.sxwl.job.failed"))).post("/api/subscriptions").then().statusCode(201).extract().path("id");
    }

    private static String subject(String cloudEvent) {
        int start = cloudEvent.indexOf("\"subject\":\"") + 11;
        return cloudEvent.substring(start, cloudEvent.indexOf('"', start));
    }
}
