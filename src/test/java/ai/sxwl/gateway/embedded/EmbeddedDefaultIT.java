package ai.sxwl.gateway.embedded;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's run command, honestly: the packaged jar of the plain build started as a process with no configuration
 * (only ports moved off 8080/9092 so the test can run anywhere), an H2 file and the in-process broker in its data
 * folder. A callback goes in; one CloudEvent comes out of the embedded broker; a restart keeps the data and the
 * cluster.
 */
class EmbeddedDefaultIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Path workDir = createTempDir();
    private final int httpPort = freePort();
    private final int kafkaPort = freePort();
    private Process gateway;

    @AfterEach
    void stopGateway() throws InterruptedException {
        if (gateway != null && gateway.isAlive()) {
            gateway.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void theEmbeddedDefaultTurnsACallbackIntoOneCloudEventAndSurvivesARestart() throws Exception {
        long coldStart = start();
        System.out.printf("Embedded default: cold start to ready in %d ms%n", coldStart);
        assertTrue(Files.exists(workDir.resolve("data/gateway.mv.db")), "H2 file in the data folder");
        assertTrue(Files.exists(workDir.resolve("data/kafka/meta.properties")), "broker logs in the data folder");

        String jobId = "ai" + UUID.randomUUID();
        assertEquals(200, post("/callbacks/sxwl", "{\"jobId\":\"" + jobId + "\",\"status\":\"working\",\"url\":\"\"}"));
        List<ConsumerRecord<String, String>> records = awaitRecords(jobId, 1);
        assertTrue(records.get(0).value().contains("\"type\":\"ai.sxwl.job.running\""), records.get(0).value());

        // The generated tenant "default": its key is kept in the data folder and opens the API.
        String apiKey = Files.readString(workDir.resolve("data/api-key-default")).trim();
        assertEquals(401, get("/api/jobs/" + jobId, "wrong"));
        assertEquals(200, get("/api/jobs/" + jobId, apiKey));

        String clusterId = Files.readString(workDir.resolve("data/kafka/meta.properties"));
        gateway.destroy(); // SIGTERM: an orderly stop
        assertTrue(gateway.waitFor(30, TimeUnit.SECONDS), "stops on SIGTERM");
        long warmStart = start();
        System.out.printf("Embedded default: restart to ready in %d ms%n", warmStart);
        assertEquals(clusterId, Files.readString(workDir.resolve("data/kafka/meta.properties")), "same cluster");

        assertEquals(200, post("/callbacks/sxwl", "{\"jobId\":\"" + jobId + "\",\"status\":\"success\",\"url\":\"\"}"));
        records = awaitRecords(jobId, 2);
        assertTrue(records.get(1).value().contains("\"sequence\":\"00000000000000000002\""), records.get(1).value());
        assertTrue(records.get(1).value().contains("\"previousStatus\":\"running\""), records.get(1).value());
    }

    /** Starts the jar and waits for readiness; returns the milliseconds that took. */
    private long start() throws IOException {
        String jar = System.getProperty("gateway.jar", "target/quarkus-app/quarkus-run.jar");
        long started = System.nanoTime();
        gateway = new ProcessBuilder(javaBinary(), "-Dquarkus.http.port=" + httpPort,
                "-Dgateway.embedded-kafka.port=" + kafkaPort, "-jar", Path.of(jar).toAbsolutePath().toString())
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("gateway.log").toFile())
                .start();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertTrue(gateway.isAlive(), "the gateway exited; see " + workDir.resolve("gateway.log"));
            return get("/q/health/ready") == 200;
        });
        return (System.nanoTime() - started) / 1_000_000;
    }

    private List<ConsumerRecord<String, String>> awaitRecords(String jobId, int count) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + kafkaPort,
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("sxwl.job.events"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (jobId.equals(r.key())) {
                        found.add(r);
                    }
                });
                return found.size() >= count;
            });
        }
        assertEquals(count, found.size());
        return found;
    }

    private int post(String path, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private int get(String path) {
        return get(path, null);
    }

    private int get(String path, String apiKey) {
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + path));
            if (apiKey != null) {
                builder.header("Authorization", "Bearer " + apiKey);
            }
            HttpRequest request = builder.build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("gateway-embedded-it");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
