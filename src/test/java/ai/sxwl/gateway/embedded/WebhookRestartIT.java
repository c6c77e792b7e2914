package ai.sxwl.gateway.embedded;

import ai.sxwl.gateway.testing.GatewayProcess;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A delivery being retried survives a kill -9 of the gateway: its state is in the database, so the restarted process
 * delivers it, with the same webhook-id.
 */
class WebhookRestartIT {

    @Test
    void aDeliveryInRetryIsDeliveredAfterAKillAndRestart() throws Exception {
        WireMockServer receiver = new WireMockServer(options().dynamicPort());
        receiver.start();
        try (GatewayProcess gateway = new GatewayProcess("-Dgateway.webhooks.retry-schedule=1s,1s,1s,1s,1s,1s,1s,1s",
                "-Dgateway.webhooks.timeout=2s")) {
            receiver.stubFor(post("/hook").willReturn(aResponse().withStatus(503)));
            gateway.start();
            String apiKey = gateway.apiKey();
            String created = gateway.postForBody("/api/subscriptions",
                    "{\"url\":\"http://localhost:" + receiver.port() + "/hook\"}", apiKey);
            assertTrue(created.contains("whsec_"), created);

            String jobId = "ai" + UUID.randomUUID();
            assertEquals(200, gateway.post("/callbacks/sxwl",
                    "{\"jobId\":\"" + jobId + "\",\"status\":\"success\",\"url\":\"\"}", null));
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    receiver.findAll(postRequestedFor(urlEqualTo("/hook"))).size() >= 2);

            gateway.kill();
            String messageId = receiver.findAll(postRequestedFor(urlEqualTo("/hook"))).get(0).getHeader("webhook-id");
            receiver.resetRequests();
            receiver.stubFor(post("/hook").willReturn(aResponse().withStatus(200)));
            gateway.start();

            await().atMost(Duration.ofSeconds(60)).until(() ->
                    !receiver.findAll(postRequestedFor(urlEqualTo("/hook"))).isEmpty());
            List<LoggedRequest> after = receiver.findAll(postRequestedFor(urlEqualTo("/hook")));
            assertEquals(messageId, after.get(0).getHeader("webhook-id"), "the same message, not a new one");
            assertTrue(after.get(0).getBodyAsString().contains(jobId + ":succeeded"));
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    gateway.getBody("/api/deliveries?jobId=" + jobId, apiKey).contains("\"state\":\"delivered\""));
        } finally {
            receiver.stop();
        }
    }
}
