package ai.sxwl.gateway.production;

import ai.sxwl.gateway.testing.Api;
import ai.sxwl.gateway.testing.GatewayProcess;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tracing switched on as the README says (two environment variables): the production jar exports its spans over
 * OTLP (here http/protobuf to a WireMock collector), a submit's trace id reaches Kafka and the webhook, and the
 * webhook's traceparent names the attempt's own span, a child in the caller's trace.
 */
class TracingIT {

    @Test
    void withTracingOnTheSpansAreExportedAndTheWebhookHeaderIsTheAttemptsSpan() throws Exception {
        ProductionStack stack = ProductionStack.get();
        WireMockServer collector = new WireMockServer(options().dynamicPort());
        collector.start();
        collector.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
        String hook = "/traced/" + UUID.randomUUID();
        stack.receiver.stubFor(post(urlEqualTo(hook)).willReturn(aResponse().withStatus(204)));
        try (GatewayProcess gateway = stack.replica()) {
            gateway.environment.put("QUARKUS_OTEL_SDK_DISABLED", "false");
            gateway.environment.put("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:" + collector.port());
            gateway.environment.put("QUARKUS_OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
            gateway.environment.put("QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "200ms");
            // What is traced, not how fast: on a starved machine the simulator can take longer than the stack's 2 s.
            gateway.environment.put("GATEWAY_UPSTREAM_READ_TIMEOUT", "30s");
            gateway.start();
            HttpClient http = HttpClient.newHttpClient();
            String spec = Api.spec("sleep 60");
            String subscription = "{\"url\":\"http://localhost:" + stack.receiver.port() + hook + "\","
                    + "\"eventTypes\":[\"ai.sxwl.job.submitted\"]}";
            assertEquals(201, http.send(request(gateway, "/api/subscriptions", null).POST(
                    HttpRequest.BodyPublishers.ofString(subscription)).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode());
            String traceId = UUID.randomUUID().toString().replace("-", "");
            String parentSpan = traceId.substring(0, 16);
            HttpResponse<String> submitted = http.send(request(gateway, "/api/userJob", "00-" + traceId + "-"
                    + parentSpan + "-01").POST(HttpRequest.BodyPublishers.ofString(spec)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, submitted.statusCode(), submitted.body());
            String jobId = ProductionStack.parse(submitted.body()).path("job_id").asText();

            await().atMost(Duration.ofSeconds(30)).until(() -> !stack.eventsOf(jobId).isEmpty());
            String onKafka = stack.eventsOf(jobId).get(0).path("traceparent").asText();
            assertEquals(traceId, onKafka.split("-")[1], "the submit's trace on the Kafka record: " + onKafka);

            await().atMost(Duration.ofSeconds(30)).until(() ->
                    !stack.receiver.findAll(postRequestedFor(urlEqualTo(hook))).isEmpty());
            String header = stack.receiver.findAll(postRequestedFor(urlEqualTo(hook))).get(0).getHeader("traceparent");
            assertEquals(traceId, header.split("-")[1], "the webhook is in the caller's trace: " + header);
            assertNotEquals(onKafka.split("-")[2], header.split("-")[2], "and names the attempt's own span");

            // The reconciler finds the job running: that change carries the poll's own trace, not the submit's.
            await().atMost(Duration.ofSeconds(30)).until(() -> stack.eventsOf(jobId).stream()
                    .anyMatch(e -> e.path("type").asText().equals("ai.sxwl.job.running")));
            String polled = stack.eventsOf(jobId).stream().filter(e -> e.path("type").asText()
                    .equals("ai.sxwl.job.running")).findFirst().orElseThrow().path("traceparent").asText();
            assertTrue(polled.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]"), "the poll's traceparent: " + polled);
            assertNotEquals(traceId, polled.split("-")[1]);

            byte[] traceBytes = HexFormat.of().parseHex(traceId);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                List<LoggedRequest> exported = collector.findAll(postRequestedFor(urlEqualTo("/v1/traces")));
                assertTrue(exported.stream().anyMatch(r -> contains(r.getBody(), traceBytes)),
                        "a span of the submit's trace was exported over OTLP");
                assertTrue(exported.stream().anyMatch(r -> contains(r.getBody(), bytes("webhook attempt"))),
                        "the webhook attempt's span");
                assertTrue(exported.stream().anyMatch(r -> contains(r.getBody(), bytes("outbox publish"))),
                        "the outbox publish span");
                assertTrue(exported.stream().anyMatch(r -> contains(r.getBody(), bytes("poll job_status"))),
                        "the poll's span");
            });
        } finally {
            collector.stop();
        }
    }

    private static HttpRequest.Builder request(GatewayProcess gateway, String path, String traceparent) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + gateway.httpPort + path))
                .header("Authorization", "Bearer " + ProductionStack.API_KEY)
                .header("Content-Type", "application/json");
        return traceparent == null ? request : request.header("traceparent", traceparent);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
