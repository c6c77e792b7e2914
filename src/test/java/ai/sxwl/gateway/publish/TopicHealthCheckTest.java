package ai.sxwl.gateway.publish;

import ai.sxwl.gateway.testing.TestServices;
import ai.sxwl.gateway.observability.DependencyHealth;
import ai.sxwl.gateway.testing.TestKafka;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.health.api.HealthGroup;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 19 (3): a topic with fewer partitions or a lower min.insync.replicas than the deployment declares (as one the
 * producer auto-created with a broker's defaults) is reported in the dependencies group and logged; readiness stays.
 */
@QuarkusTest
class TopicHealthCheckTest {

    @Inject
    @HealthGroup(DependencyHealth.GROUP)
    TopicHealthCheck check;

    @Test
    void aTopicWithLessThanDeclaredIsReportedAndLogged() throws Exception {
        String topic = "sxwl.test.topic-check-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1)
                    .configs(Map.of("min.insync.replicas", "1")))).all().get(30, TimeUnit.SECONDS);
        }
        HealthCheckResponse asDeclared = readFromTheBroker(topic, 2, 1);
        assertEquals(HealthCheckResponse.Status.UP, asDeclared.getStatus(), asDeclared.getData().toString());
        assertEquals(2L, asDeclared.getData().orElseThrow().get("partitions"));

        HealthCheckResponse short_ = readFromTheBroker(topic, 12, 2);
        assertEquals(HealthCheckResponse.Status.DOWN, short_.getStatus());
        assertEquals("2 partitions, fewer than 12; min.insync.replicas 1, lower than 2",
                short_.getData().orElseThrow().get("problem"));
        String log = Files.readString(TestServices.logFile());
        assertTrue(log.contains("Kafka topic " + topic + ": 2 partitions, fewer than 12; min.insync.replicas 1,"
                + " lower than 2"), "logged");

        HealthCheckResponse missing = check.check(topic + "-missing", 12, 2);
        assertEquals(HealthCheckResponse.Status.DOWN, missing.getStatus());
        assertTrue(String.valueOf(missing.getData().orElseThrow().get("problem")).startsWith("does not exist"));

        // The configured topic meets the test configuration's expectations; readiness never includes this check.
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health/group/dependencies").then()
                .body("checks.find { it.name == 'kafka-topic' }.status", equalTo("UP"));
    }

    /**
     * The check's answer once it has read the topic's settings. Asked too early it says nothing about the topic: the
     * controller has committed a new topic before the broker serves it ("does not exist"), and a broker slower than
     * the check's own 3 s timeout gets an UP marked "unknown" (on a loaded machine). So ask again until it has read it.
     */
    private HealthCheckResponse readFromTheBroker(String topic, int minPartitions, int minInsyncReplicas) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> check.check(topic, minPartitions, minInsyncReplicas),
                response -> response.getData().orElseThrow().containsKey("minInsyncReplicasOfTopic"));
    }
}
