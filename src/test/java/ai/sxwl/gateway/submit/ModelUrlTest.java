package ai.sxwl.gateway.submit;

import ai.sxwl.gateway.testing.EventsTopic;
import ai.sxwl.gateway.testing.TestKafka;
import ai.sxwl.gateway.testing.Jobs;
import ai.sxwl.gateway.testing.SxwlSimulator;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static ai.sxwl.gateway.testing.Api.as;
import static ai.sxwl.gateway.testing.Api.submit;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class ModelUrlTest {

    @Inject
    Jobs jobs;

    @Test
    void aSucceededJobsModelUrlComesWithItsExpiry() {
        String jobId = succeededJob();

        String expiresAt = as("acme").get("/api/jobs/" + jobId + "/model-url").then().statusCode(200)
                .body("modelUrl", containsString("Expires=")).extract().path("expiresAt");
        assertTrue(Instant.parse(expiresAt).isAfter(Instant.now().plus(Duration.ofDays(29))));
    }

    @Test
    void anExpiredUrlIsAskedForAgainOnce() {
        String jobId = succeededJob();
        jobs.update("UPDATE job SET model_url = 'https://old.example/m?Expires=1000', model_url_expires_at = ?"
                + " WHERE job_id = ?", Instant.ofEpochSecond(1000), jobId);
        int before = SxwlSimulator.requestCount("/api/userJob/job_status", jobId);

        as("acme").get("/api/jobs/" + jobId + "/model-url").then().statusCode(200)
                .body("modelUrl", containsString("sxwl-sim"));

        assertEquals(before + 1, SxwlSimulator.requestCount("/api/userJob/job_status", jobId));
        as("acme").get("/api/jobs/" + jobId).then().body("modelUrl", containsString("sxwl-sim"));
        // Consumers hear of the fresher URL: a model_available event, the job's next change.
        await().atMost(Duration.ofSeconds(20)).until(() -> TestKafka.topic("sxwl.job.events").records(jobId).stream()
                .anyMatch(r -> r.value().contains("\"type\":\"ai.sxwl.job.model_available\"")
                        && r.value().contains("sxwl-sim")));
    }

    @Test
    void aUrlThatIsStillExpiredUpstreamIs410() {
        String jobId = succeededJob();
        jobs.update("UPDATE job SET model_url_expires_at = ? WHERE job_id = ?", Instant.ofEpochSecond(1000), jobId);
        StubMapping stale = SxwlSimulator.server().stubFor(post("/api/userJob/job_status").atPriority(1)
                .withRequestBody(containing(jobId)).willReturn(aResponse().withStatus(200).withBody(
                        "{\"status\":\"success\",\"url\":\"https://b.example/m?Expires=1000\"}")));
        try {
            as("acme").get("/api/jobs/" + jobId + "/model-url").then().statusCode(410)
                    .contentType("application/problem+json").body("status", equalTo(410));
        } finally {
            SxwlSimulator.server().removeStub(stale);
        }
    }

    @Test
    void aJobThatHasNotSucceededHasNoModelUrl() {
        String jobId = submit("acme", "keeps working");
        as("acme").get("/api/jobs/" + jobId + "/model-url").then().statusCode(404);
        as("globex").get("/api/jobs/" + jobId + "/model-url").then().statusCode(404);
    }

    private static String succeededJob() {
        String jobId = submit("acme", "sim:success@100");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                as("acme").get("/api/jobs/" + jobId).then().body("status", equalTo("succeeded")));
        return jobId;
    }
}
