package ai.sxwl.gateway.publish;

import ai.sxwl.gateway.callback.CallbackTokens;
import ai.sxwl.gateway.testing.Db;
import ai.sxwl.gateway.testing.EventsTopic;
import ai.sxwl.gateway.testing.TestJobs;
import ai.sxwl.gateway.testing.TestKafka;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static ai.sxwl.gateway.testing.Callbacks.body;
import static ai.sxwl.gateway.testing.Callbacks.onToken;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A callback answered 200 while Kafka is down is published once Kafka is back, and only once; the gateway stays ready
 * meanwhile (SXWL posts each callback once), and the outage shows in the dependencies group instead.
 */
@QuarkusTest
class KafkaOutageTest {

    private static final EventsTopic EVENTS = TestKafka.topic("sxwl.job.events");

    @Inject
    CallbackTokens tokens;

    @Inject
    Db db;

    @AfterEach
    void brokerIsBack() {
        TestKafka.restart();
    }

    @Test
    void callbacksAcceptedDuringAnOutageArePublishedWhenKafkaReturns() {
        EVENTS.records("warm-up"); // the test consumer is running before the outage
        TestKafka.stop();

        List<String> jobIds = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String jobId = TestJobs.newJobId();
            jobIds.add(jobId);
            String token = tokens.mint(TestJobs.submission("acme", jobId));
            onToken(token, body(jobId, "working", "")).statusCode(200);
            onToken(token, body(jobId, "success", TestJobs.signedModelUrl(jobId, 2_000_000_000L))).statusCode(200);
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                given().get("/q/health/group/dependencies").then().statusCode(503)
                        .body("checks.find { it.name == 'kafka' }.status", equalTo("DOWN")));
        given().get("/q/health/ready").then().statusCode(200);

        // While Kafka is down the rows wait in the outbox, whatever the relay tries; readiness stays up.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() ->
                outboxRows(jobIds) == 20 && jobIds.stream().allMatch(id -> EVENTS.records(id).isEmpty())
                        && given().get("/q/health/ready").statusCode() == 200);

        TestKafka.restart();

        await().atMost(Duration.ofSeconds(60)).until(() -> outboxRows(jobIds) == 0);
        for (String jobId : jobIds) {
            await().atMost(Duration.ofSeconds(20)).until(() -> EVENTS.records(jobId).size() >= 2);
            assertEquals(List.of(jobId + ":running", jobId + ":succeeded"),
                    EVENTS.records(jobId).stream().map(r -> eventId(r.value())).toList(),
                    "each change exactly once, in order");
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                given().get("/q/health/group/dependencies").then().statusCode(200));
    }

    private long outboxRows(List<String> jobIds) {
        return jobIds.stream().mapToLong(id ->
                db.count("SELECT count(*) FROM kafka_outbox WHERE record_key = ? AND topic = 'sxwl.job.events'", id))
                .sum();
    }

    private static String eventId(String cloudEvent) {
        int start = cloudEvent.indexOf("\"id\":\"") + 6;
        return cloudEvent.substring(start, cloudEvent.indexOf('"', start));
    }
}
