package ai.sxwl.gateway.publish;

import ai.sxwl.gateway.callback.CallbackTokens;
import ai.sxwl.gateway.testing.EventsTopic;
import ai.sxwl.gateway.testing.TestKafka;
import ai.sxwl.gateway.testing.TestJobs;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static ai.sxwl.gateway.testing.Callbacks.body;
import static ai.sxwl.gateway.testing.Callbacks.onToken;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The test profile routes succeeded events to sxwl.test.models and tenant "routed" to sxwl.test.routed. */
@QuarkusTest
class TopicRoutesTest {

    private static final EventsTopic MAIN = TestKafka.topic("sxwl.job.events");
    private static final EventsTopic MODELS = TestKafka.topic("sxwl.test.models");
    private static final EventsTopic ROUTED = TestKafka.topic("sxwl.test.routed");

    @Inject
    CallbackTokens tokens;

    @Test
    void anEventGoesToTheMainTopicAndToEveryRouteItMatches() {
        String jobId = TestJobs.newJobId();
        String token = tokens.mint(TestJobs.submission("acme", jobId));

        onToken(token, body(jobId, "working", "")).statusCode(200);
        onToken(token, body(jobId, "success", "")).statusCode(200);

        await().atMost(Duration.ofSeconds(20)).until(() ->
                MAIN.records(jobId).size() == 2 && MODELS.records(jobId).size() == 1);
        assertEquals(MAIN.records(jobId).get(1).value(), MODELS.records(jobId).get(0).value(),
                "the route carries the same CloudEvent");
        // Then a later event that does belong on sxwl.test.routed, in the same partition: once it is there, a copy
        // of this job's events would have been too.
        String later = laterInSamePartition(jobId, "routed", "working");
        await().atMost(Duration.ofSeconds(20)).until(() -> ROUTED.records(later).size() == 1);
        assertEquals(0, ROUTED.records(jobId).size());
    }

    @Test
    void aTenantRouteCopiesEveryEventOfThatTenant() {
        String jobId = TestJobs.newJobId();
        String token = tokens.mint(TestJobs.submission("routed", jobId));

        onToken(token, body(jobId, "working", "")).statusCode(200);
        onToken(token, body(jobId, "fail", "")).statusCode(200);

        await().atMost(Duration.ofSeconds(20)).until(() ->
                MAIN.records(jobId).size() == 2 && ROUTED.records(jobId).size() == 2);
        String later = laterInSamePartition(jobId, "acme", "success");
        await().atMost(Duration.ofSeconds(20)).until(() -> MODELS.records(later).size() == 1);
        assertEquals(0, MODELS.records(jobId).size());
    }

    /** A new job of this tenant, in the same partition as {@code jobId}, reporting this status now. */
    private String laterInSamePartition(String jobId, String tenant, String status) {
        String later = TestJobs.newJobIdInPartitionOf(jobId);
        onToken(tokens.mint(TestJobs.submission(tenant, later)), body(later, status, "")).statusCode(200);
        return later;
    }
}
