package ai.sxwl.gateway.publish;

import ai.sxwl.gateway.callback.CallbackTokens;
import ai.sxwl.gateway.testing.Db;
import ai.sxwl.gateway.testing.EventsTopic;
import ai.sxwl.gateway.testing.Jobs;
import ai.sxwl.gateway.testing.TestJobs;
import ai.sxwl.gateway.testing.TestKafka;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static ai.sxwl.gateway.testing.Api.as;
import static ai.sxwl.gateway.testing.Callbacks.body;
import static ai.sxwl.gateway.testing.Callbacks.onToken;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A record the broker refuses for good is set aside as a dead letter with its reason, visible to its tenant and
 * re-sendable, while the records behind it go on. The test profile copies tenant "umbrella"'s events to
 * sxwl.test.small, which this test creates to take records of at most 2 KiB.
 */
@QuarkusTest
class DeadLetterTest {

    private static final String SMALL_TOPIC = "sxwl.test.small";
    private static final EventsTopic MAIN = TestKafka.topic("sxwl.job.events");
    private static final EventsTopic SMALL = TestKafka.topic(SMALL_TOPIC);

    @Inject
    CallbackTokens tokens;

    @Inject
    Jobs jobs;

    @Inject
    Db db;

    @Inject
    MeterRegistry registry;

    @Test
    void aRecordTheBrokerRefusesIsADeadLetterAndTheRecordsBehindItGoOn() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.bootstrapServers()))) {
            try {
                admin.createTopics(List.of(new NewTopic(SMALL_TOPIC, 1, (short) 1))).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) { // the test consumer's subscription may
                    throw e;                                          // have created it first
                }
            }
            maxMessageBytes(admin, 2048);
            double deadBefore = registry.counter("gateway.outbox.dead.lettered").count();
            String large = job("{\"gpuType\":\"" + "A".repeat(4000) + "\"}");
            String small = job("{\"gpuType\":\"A100\"}");

            onToken(tokens.mint(submissionOf(large)), body(large, "working", "")).statusCode(200);
            onToken(tokens.mint(submissionOf(small)), body(small, "working", "")).statusCode(200);

            await().atMost(Duration.ofSeconds(20)).until(() -> SMALL.records(small).size() == 1);
            await().atMost(Duration.ofSeconds(20)).until(() -> MAIN.records(large).size() == 1);
            assertTrue(SMALL.records(large).isEmpty());
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    db.count("SELECT count(*) FROM kafka_outbox WHERE record_key = ?", large) == 0);
            assertEquals(deadBefore + 1, registry.counter("gateway.outbox.dead.lettered").count());

            int id = as("umbrella").get("/api/outbox/dead").then().statusCode(200)
                    .body("items.jobId", hasItem(large))
                    .body("items.find { it.jobId == '" + large + "' }.topic", equalTo(SMALL_TOPIC))
                    .body("items.find { it.jobId == '" + large + "' }.reason", containsString("RecordTooLarge"))
                    .extract().path("items.find { it.jobId == '" + large + "' }.id");
            as("acme").get("/api/outbox/dead").then().statusCode(200).body("items.jobId", not(hasItem(large)));
            as("acme").post("/api/outbox/dead/" + id + "/resend").then().statusCode(404);

            // The operator raises the topic's limit and sends the record again: the same CloudEvent arrives.
            maxMessageBytes(admin, 1048576);
            as("umbrella").post("/api/outbox/dead/" + id + "/resend").then().statusCode(200).body("resent", equalTo(1));
            await().atMost(Duration.ofSeconds(20)).until(() -> SMALL.records(large).size() == 1);
            assertEquals(MAIN.records(large).get(0).value(), SMALL.records(large).get(0).value());
            as("umbrella").get("/api/outbox/dead").then().body("items.jobId", not(hasItem(large)));
        }
    }

    /** Sets the topic's record size limit and waits until the broker applies it. */
    private static void maxMessageBytes(Admin admin, int bytes) throws Exception {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, SMALL_TOPIC);
        admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
                new ConfigEntry("max.message.bytes", Integer.toString(bytes)), AlterConfigOp.OpType.SET))))
                .all().get();
        await().atMost(Duration.ofSeconds(10)).until(() -> Integer.toString(bytes).equals(admin
                .describeConfigs(List.of(topic)).all().get().get(topic).get("max.message.bytes").value()));
    }

    /** A job of tenant "umbrella" whose submitted spec (carried in every event) is {@code spec}. */
    private String job(String spec) {
        String jobId = TestJobs.newJobId();
        String submission = TestJobs.submission("umbrella", jobId);
        jobs.update("UPDATE submission SET spec = ? WHERE id = ?", spec, submission);
        return jobId;
    }

    private String submissionOf(String jobId) {
        return (String) db.rows("SELECT id FROM submission WHERE job_id = ?", jobId).get(0).get("id");
    }
}
