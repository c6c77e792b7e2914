package ai.sxwl.gateway.edge;

import ai.sxwl.gateway.problem.Problem;
import ai.sxwl.gateway.testing.Api;
import ai.sxwl.gateway.testing.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18 (4): paths that walk out of the public prefix with dot segments or encoded slashes are refused with a 400
 * problem before any route or filter — they never reach /q, /api or the console. Sent over a raw socket, so that the
 * encoding reaches the gateway as written.
 */
@QuarkusTest
class PathTricksTest {

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @ParameterizedTest(name = "GET {0}")
    @ValueSource(strings = {
            "/callbacks/%2e%2e/q/metrics", "/callbacks/%2e%2e/q/openapi", "/callbacks/%2E%2E/q/health/ready",
            "/callbacks/.%2e/q/metrics", "/callbacks/%2e./q/metrics", "/callbacks/%2E./q/openapi",
            "/callbacks/../q/metrics", "/callbacks/./../q/metrics", "/callbacks/%2e/../q/metrics",
            "/callbacks/..%2fq/metrics", "/callbacks/..%2Fq/metrics", "/callbacks%2f..%2fq/metrics",
            "/callbacks/..%5cq/metrics", "/callbacks/..%5Cq/metrics", "/callbacks/%2e%2e/api/jobs",
            "/callbacks/%2e%2e/console/jobs", "/callbacks/%2e%2e/q/metrics?x=1", "/callbacks/sxwl/%2e%2e"})
    void aPathThatLeavesItsPrefixIsA400Problem(String path) throws Exception {
        RawHttp.Answer answer = RawHttp.send(port, "GET", path, null,
                "Authorization: Bearer " + Api.API_KEYS.get("acme"));
        assertEquals(400, answer.status(), path + " → " + answer.body());
        assertEquals(Problem.MEDIA_TYPE, answer.header("content-type"));
        assertTrue(answer.body().contains("\"status\":400"), answer.body());
    }

    @Test
    void theConsoleSignInAndTheApiCannotBeReachedThroughTheCallbackPrefix() throws Exception {
        assertEquals(400, RawHttp.send(port, "POST", "/callbacks/%2e%2e/console/sign-in", "apiKey=x&csrf=y",
                "Content-Type: application/x-www-form-urlencoded").status());
        assertEquals(400, RawHttp.send(port, "POST", "/callbacks/%2e%2e/api/userJob", "{}",
                "Content-Type: application/json", "Authorization: Bearer " + Api.API_KEYS.get("acme")).status());
    }

    @Test
    void honestPathsStillAnswer() throws Exception {
        assertEquals(200, RawHttp.send(port, "GET", "/q/health/live", null).status());
        assertEquals(200, RawHttp.send(port, "GET", "/api/jobs?q=a.b", null,
                "Authorization: Bearer " + Api.API_KEYS.get("acme")).status());
        // Dots inside a segment and an encoded dot that is not a whole segment are ordinary characters.
        assertEquals(404, RawHttp.send(port, "GET", "/api/jobs/ai.%2e.x", null,
                "Authorization: Bearer " + Api.API_KEYS.get("acme")).status());
    }
}
