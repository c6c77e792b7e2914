package ai.sxwl.gateway.embedded;

import ai.sxwl.gateway.testing.GatewayProcess;
import ai.sxwl.gateway.testing.Progress;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SPEC section 5, embedded default: a 200 means the H2 commit has left the process. The packaged jar takes callbacks
 * from 8 concurrent senders and is killed with -9 in the middle; after a restart every acknowledged callback's event
 * is on the embedded broker. The same kill also finds a webhook delivery in retry: its state is in the database, so
 * the restarted process delivers it, with the same webhook-id.
 */
class EmbeddedCrashIT {

    private static final int SENDERS = 8;

    @Test
    void everyAcknowledgedCallbackAndADeliveryInRetrySurviveAKillDashNineUnderLoad() throws Exception {
        WireMockServer receiver = new WireMockServer(options().dynamicPort());
        receiver.start();
        // Enough retries (82 s of them) that the delivery is still in retry at the kill however long the load takes,
        // each short, so that its next attempt after the restart comes within 5 s.
        try (GatewayProcess gateway = new GatewayProcess("-Dgateway.webhooks.retry-schedule=1s,1s"
                + ",5s".repeat(16), "-Dgateway.webhooks.timeout=2s")) {
            receiver.stubFor(post("/hook").willReturn(aResponse().withStatus(503)));
            gateway.start();
            String apiKey = gateway.apiKey();
            String hookJob = "ai" + UUID.randomUUID();
            String created = gateway.postForBody("/api/subscriptions", "{\"url\":\"http://localhost:"
                    + receiver.port() + "/hook\",\"jobId\":\"" + hookJob + "\"}", apiKey);
            assertTrue(created.contains("whsec_"), created);
            assertEquals(200, gateway.post("/callbacks/sxwl",
                    "{\"jobId\":\"" + hookJob + "\",\"status\":\"success\",\"url\":\"\"}", null));
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    receiver.findAll(postRequestedFor(urlEqualTo("/hook"))).size() >= 2);

            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicBoolean sending = new AtomicBoolean(true);
            AtomicInteger refused = new AtomicInteger();
            ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
            for (int i = 0; i < SENDERS; i++) {
                senders.execute(() -> {
                    while (sending.get()) {
                        String jobId = "ai" + UUID.randomUUID();
                        try {
                            int status = gateway.post("/callbacks/sxwl",
                                    "{\"jobId\":\"" + jobId + "\",\"status\":\"success\",\"url\":\"\"}", null);
                            if (status == 200) {
                                acknowledged.add(jobId);
                            } else {
                                refused.incrementAndGet();
                            }
                        } catch (Exception connectionLost) {
                            refused.incrementAndGet(); // not acknowledged: the sender would have to retry
                        }
                    }
                });
            }
            Progress.awaitCount("acknowledged callbacks", acknowledged::size, 300);
            gateway.kill(); // while the senders are still sending
            sending.set(false);
            senders.shutdown();
            assertTrue(senders.awaitTermination(30, TimeUnit.SECONDS));
            Set<String> acked = Set.copyOf(acknowledged);
            String messageId = receiver.findAll(postRequestedFor(urlEqualTo("/hook"))).get(0).getHeader("webhook-id");
            receiver.resetRequests();
            receiver.stubFor(post("/hook").willReturn(aResponse().withStatus(200)));

            gateway.start();
            Set<String> published = new HashSet<>();
            Map<String, Object> config = Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + gateway.kafkaPort,
                    ConsumerConfig.GROUP_ID_CONFIG, "crash-it-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            try (KafkaConsumer<String, String> consumer =
                         new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("sxwl.job.events"));
                // Read until all are there, or for 60 s: then count what is missing rather than just time out.
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!published.containsAll(acked) && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> published.add(r.key()));
                }
            }
            Set<String> lost = new HashSet<>(acked);
            lost.removeAll(published);
            System.out.printf("Embedded kill -9 under load: %d callbacks acknowledged, %d lost (%d not acknowledged)%n",
                    acked.size(), lost.size(), refused.get());
            assertEquals(Set.of(), lost);

            await().atMost(Duration.ofSeconds(60)).until(() ->
                    !receiver.findAll(postRequestedFor(urlEqualTo("/hook"))).isEmpty());
            List<LoggedRequest> after = receiver.findAll(postRequestedFor(urlEqualTo("/hook")));
            assertEquals(messageId, after.get(0).getHeader("webhook-id"), "the same message, not a new one");
            assertTrue(after.get(0).getBodyAsString().contains(hookJob + ":succeeded"));
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    gateway.getBody("/api/deliveries?jobId=" + hookJob, apiKey).contains("\"state\":\"delivered\""));
        } finally {
            receiver.stop();
        }
    }

    @Test
    void anUntrustedCallbackForATenantWithoutATokenCreatesNoJobThatCouldNeverBePolled() throws Exception {
        try (GatewayProcess gateway = new GatewayProcess("-Dgateway.callback.trust-untokened=false")) {
            gateway.start();
            String jobId = "ai" + UUID.randomUUID();
            assertEquals(200, gateway.post("/callbacks/sxwl",
                    "{\"jobId\":\"" + jobId + "\",\"status\":\"success\",\"url\":\"\"}", null));
            assertTrue(gateway.stop(), "stops on SIGTERM");

            String url = "jdbc:h2:file:" + gateway.workDir.resolve("data/gateway")
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
            try (Connection db = DriverManager.getConnection(url, "sa", "")) {
                assertEquals(0, count(db, "SELECT count(*) FROM job WHERE job_id = ?", jobId));
                assertEquals(1, count(db, "SELECT count(*) FROM callback_receipt WHERE job_id = ? AND note ="
                        + " 'cannot be confirmed: tenant default has no upstream token'", jobId));
            }
        }
    }

    private static long count(Connection db, String sql, String param) throws Exception {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            statement.setString(1, param);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
