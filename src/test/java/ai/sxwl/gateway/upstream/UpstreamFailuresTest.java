package ai.sxwl.gateway.upstream;

import ai.sxwl.gateway.testing.SxwlSimulator;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static ai.sxwl.gateway.testing.Api.as;
import static ai.sxwl.gateway.testing.Api.spec;
import static ai.sxwl.gateway.testing.Api.submit;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every way upstream can fail becomes a clear 502/504 problem, never a 500. */
@QuarkusTest
class UpstreamFailuresTest {

    private final List<StubMapping> stubs = new ArrayList<>();

    @AfterEach
    void removeStubs() {
        stubs.forEach(SxwlSimulator.server()::removeStub);
    }

    @Test
    void aRefusedTenantTokenIs502SayingSo() {
        as("initech").body(spec("x")).post("/api/userJob").then().statusCode(502)
                .contentType("application/problem+json")
                .body("detail", containsString("rejected the tenant's token"));
    }

    @Test
    void upstream501And500Are502WithWhatUpstreamSaid() {
        String marker = misbehave(aResponse().withStatus(501).withHeader("Content-Type", "text/plain")
                .withBody("Not Implemented"));
        as("acme").body(spec(marker)).post("/api/userJob").then().statusCode(502)
                .contentType("application/problem+json").body("detail", containsString("501"));

        String other = misbehave(aResponse().withStatus(500).withHeader("Content-Type", "text/plain")
                .withBody("Error forwarding request"));
        as("acme").body(spec(other)).post("/api/userJob").then().statusCode(502)
                .body("detail", containsString("Error forwarding request"));
    }

    @Test
    void noAnswerWithinTheReadTimeoutIs504() {
        String marker = misbehave(aResponse().withStatus(200).withFixedDelay(3000)
                .withBody("{\"job_id\":\"ai-late\"}"));
        as("acme").body(spec(marker)).post("/api/userJob").then().statusCode(504)
                .contentType("application/problem+json").body("status", equalTo(504));
    }

    @Test
    void garbageIs502() {
        String html = misbehave(aResponse().withStatus(200).withHeader("Content-Type", "text/html")
                .withBody("<html>maintenance</html>"));
        as("acme").body(spec(html)).post("/api/userJob").then().statusCode(502)
                .body("detail", containsString("not a JSON object"));

        String noId = misbehave(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"id\":\"ai1\"}"));
        as("acme").body(spec(noId)).post("/api/userJob").then().statusCode(502)
                .body("detail", containsString("no job_id"));
    }

    @Test
    void garbageFromJobStatusIs502AndLeavesTheJobAsItWas() {
        String jobId = submit("acme", "keeps working");
        stubs.add(SxwlSimulator.server().stubFor(post("/api/userJob/job_status").atPriority(1)
                .withRequestBody(containing(jobId))
                .willReturn(aResponse().withStatus(200).withBody("{\"status\":\"done\"}"))));

        as("acme").body("{\"job_id\":\"" + jobId + "\"}").post("/api/userJob/job_status").then().statusCode(502);
        as("acme").get("/api/jobs/" + jobId).then().body("status", equalTo("submitted"));
    }

    @Test
    void aJobUpstreamDoesNotKnowIs400FromJobStatus() {
        String jobId = submit("acme", "keeps working");
        stubs.add(SxwlSimulator.server().stubFor(post("/api/userJob/job_status").atPriority(1)
                .withRequestBody(containing(jobId))
                .willReturn(aResponse().withStatus(400).withBody("{\"message\":\"job not found\"}"))));

        as("acme").body("{\"job_id\":\"" + jobId + "\"}").post("/api/userJob/job_status").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("does not know"));
    }

    @Test
    void anOpenCircuitIs503WithRetryAfterUntilUpstreamRecovers() {
        String jobId = submit("acme", "keeps working");
        StubMapping failing = SxwlSimulator.server().stubFor(post("/api/userJob/job_del").atPriority(1)
                .withRequestBody(containing(jobId)).willReturn(aResponse().withStatus(500).withBody("down")));
        stubs.add(failing);
        String delete = "{\"job_id\":\"" + jobId + "\"}";
        // The test profile opens job_del's breaker for 1 s once half of its last 4 calls failed.
        int status = 502;
        for (int call = 0; call < 5 && status == 502; call++) {
            status = as("acme").body(delete).post("/api/userJob/job_del").statusCode();
        }
        assertEquals(503, status, "the breaker opened after the failures");
        as("acme").body(delete).post("/api/userJob/job_del").then().statusCode(503)
                .contentType("application/problem+json").header("Retry-After", equalTo("10"));

        SxwlSimulator.server().removeStub(failing);
        stubs.remove(failing);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                as("acme").body(delete).post("/api/userJob/job_del").then().statusCode(200));
    }

    /** Makes upstream answer create requests carrying the returned marker with {@code response}. */
    private String misbehave(ResponseDefinitionBuilder response) {
        String marker = "misbehave-" + UUID.randomUUID();
        stubs.add(SxwlSimulator.server().stubFor(post("/api/userJob").atPriority(1)
                .withRequestBody(containing(marker)).willReturn(response)));
        return marker;
    }
}
