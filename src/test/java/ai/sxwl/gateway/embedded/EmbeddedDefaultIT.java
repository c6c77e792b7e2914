package ai.sxwl.gateway.embedded;

import ai.sxwl.gateway.testing.GatewayProcess;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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

    @Test
    void theEmbeddedDefaultTurnsACallbackIntoOneCloudEventAndSurvivesARestart() throws Exception {
        try (GatewayProcess gateway = new GatewayProcess()) {
            long coldStart = gateway.start();
            System.out.printf("Embedded default: cold start to ready in %d ms%n", coldStart);
            assertTrue(Files.exists(gateway.workDir.resolve("data/gateway.mv.db")), "H2 file in the data folder");
            assertTrue(Files.exists(gateway.workDir.resolve("data/kafka/meta.properties")), "broker logs there");
            // The data folder is the owner's alone: it holds the H2 file (signing secrets), keys and the callback secret.
            for (String path : List.of("data", "data/kafka")) {
                assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                        gateway.workDir.resolve(path))), path);
            }
            for (String path : List.of("data/gateway.mv.db", "data/api-key-default", "data/callback-secret")) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                        gateway.workDir.resolve(path))), path);
            }

            String jobId = "ai" + UUID.randomUUID();
            assertEquals(200, gateway.post("/callbacks/sxwl",
                    "{\"jobId\":\"" + jobId + "\",\"status\":\"working\",\"url\":\"\"}", null));
            List<ConsumerRecord<String, String>> records = awaitRecords(gateway, jobId, 1);
            assertTrue(records.get(0).value().contains("\"type\":\"ai.sxwl.job.running\""), records.get(0).value());

            // The generated tenant "default": its key is kept in the data folder and opens the API.
            assertEquals(401, gateway.get("/api/jobs/" + jobId, "wrong"));
            assertEquals(200, gateway.get("/api/jobs/" + jobId, gateway.apiKey()));
            // The history's queries on H2 too: several statuses, an escaped search, a cursor.
            String page = gateway.getBody("/api/jobs?limit=1&status=running,failed&q=" + jobId.substring(2, 14),
                    gateway.apiKey());
            assertTrue(page.contains("\"jobId\":\"" + jobId + "\""), page);
            assertTrue(gateway.getBody("/api/jobs?q=%25_" + jobId.substring(2, 14), gateway.apiKey())
                    .contains("\"items\":[]"), "% and _ are literal");

            String clusterId = Files.readString(gateway.workDir.resolve("data/kafka/meta.properties"));
            assertTrue(gateway.stop(), "stops on SIGTERM");
            long warmStart = gateway.start();
            System.out.printf("Embedded default: restart to ready in %d ms%n", warmStart);
            assertEquals(clusterId, Files.readString(gateway.workDir.resolve("data/kafka/meta.properties")));

            assertEquals(200, gateway.post("/callbacks/sxwl",
                    "{\"jobId\":\"" + jobId + "\",\"status\":\"success\",\"url\":\"\"}", null));
            records = awaitRecords(gateway, jobId, 2);
            assertTrue(records.get(1).value().contains("\"sequence\":\"00000000000000000002\""));
            assertTrue(records.get(1).value().contains("\"previousStatus\":\"running\""));
            // The events feed on H2 too, its positions kept across the restart: both changes, in order.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                String feed = gateway.getBody("/api/events?limit=500", gateway.apiKey());
                int running = feed.indexOf("\"id\":\"" + jobId + ":running\"");
                assertTrue(running >= 0 && feed.indexOf("\"id\":\"" + jobId + ":succeeded\"") > running, feed);
            });
            assertEquals(200, gateway.get("/console/sign-in", null), "the console is there");
        }
    }

    private static List<ConsumerRecord<String, String>> awaitRecords(GatewayProcess gateway, String jobId,
                                                                     int count) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + gateway.kafkaPort,
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
}
