package ai.sxwl.gateway.deploy;

import ai.sxwl.gateway.testing.SxwlSimulator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.common.Json;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The docker/ stack's SXWL simulator (WireMock JSON mappings) is generated from the test simulator and cannot drift
 * from it: the committed files must equal what {@link SxwlSimulator#portableMappings()} generates
 * ({@code -Dsimulator.write=true} rewrites them), and a WireMock loaded with the committed files behaves like SXWL.
 */
class SimulatorMappingsTest {

    private static final Path FOLDER = Path.of("docker/sxwl-simulator");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theCommittedMappingsAreTheOnesTheTestSimulatorGenerates() throws Exception {
        List<StubMapping> mappings = SxwlSimulator.portableMappings();
        if (Boolean.getBoolean("simulator.write")) {
            Files.createDirectories(FOLDER.resolve("mappings"));
            for (StubMapping mapping : mappings) {
                Files.writeString(file(mapping), Json.write(mapping) + "\n");
            }
        }
        try (var committed = Files.list(FOLDER.resolve("mappings"))) {
            assertEquals(mappings.size(), committed.count(), "one file per mapping, no stale ones");
        }
        for (StubMapping mapping : mappings) {
            assertEquals(Json.write(mapping) + "\n", Files.readString(file(mapping)),
                    file(mapping) + " differs from the simulator: run this test with -Dsimulator.write=true");
        }
    }

    @Test
    void aWireMockLoadedWithTheCommittedMappingsBehavesLikeSxwl() throws Exception {
        WireMockServer simulator = new WireMockServer(options().dynamicPort()
                .usingFilesUnderDirectory(FOLDER.toString()));
        simulator.start();
        try {
            String base = "http://localhost:" + simulator.port();
            String token = SxwlSimulator.PORTABLE_TOKEN;
            HttpResponse<String> created = post(base + "/api/userJob", token,
                    "{\"gpuNumber\":1,\"callbackUrl\":\"" + base + "/receiver\"}");
            assertEquals(200, created.statusCode());
            String jobId = JSON.readTree(created.body()).path("job_id").asText();
            assertTrue(jobId.matches("ai[0-9a-f-]{36}"), jobId);

            // The job ends and calls back once, with the key jobId, as the real sender does.
            await().atMost(Duration.ofSeconds(15)).until(() ->
                    simulator.findAll(postRequestedFor(urlEqualTo("/receiver"))).size() == 1);
            LoggedRequest callback = simulator.findAll(postRequestedFor(urlEqualTo("/receiver"))).get(0);
            JsonNode body = JSON.readTree(callback.getBodyAsString());
            assertEquals(jobId, body.path("jobId").asText());
            assertEquals("success", body.path("status").asText());
            assertExpiresInAbout30Days(body.path("url").asText());

            HttpResponse<String> status = post(base + "/api/userJob/job_status", token, "{\"job_id\":\"" + jobId + "\"}");
            assertEquals(200, status.statusCode());
            assertEquals("success", JSON.readTree(status.body()).path("status").asText());
            assertTrue(JSON.readTree(status.body()).path("url").asText().contains(jobId));

            HttpResponse<String> unknown = post(base + "/api/userJob/job_status", token, "{\"job_id\":\"nope\"}");
            assertEquals(400, unknown.statusCode());
            assertEquals("job not found", JSON.readTree(unknown.body()).path("message").asText());

            HttpResponse<String> badToken = post(base + "/api/userJob", "wrong", "{}");
            assertEquals(401, badToken.statusCode());
            assertEquals("text/plain", badToken.headers().firstValue("Content-Type").orElse(""));

            assertEquals(200, post(base + "/api/userJob/job_del", token, "{\"job_id\":\"" + jobId + "\"}").statusCode());
        } finally {
            simulator.stop();
        }
    }

    private static void assertExpiresInAbout30Days(String url) {
        long expires = Long.parseLong(url.replaceAll(".*[?&]Expires=(\\d+).*", "$1"));
        long days = Duration.between(Instant.now(), Instant.ofEpochSecond(expires)).toDays();
        assertTrue(days >= 29 && days <= 30, url);
    }

    private static HttpResponse<String> post(String url, String token, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Path file(StubMapping mapping) {
        return FOLDER.resolve("mappings").resolve(mapping.getName() + ".json");
    }
}
