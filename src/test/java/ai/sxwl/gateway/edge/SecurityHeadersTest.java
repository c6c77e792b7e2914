package ai.sxwl.gateway.edge;

import ai.sxwl.gateway.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 18 (5): console pages and API answers carry the browser security headers, and neither pages nor answers that
 * hold a signing secret may be stored.
 */
@QuarkusTest
class SecurityHeadersTest {

    @Test
    void theSignInPageAndTheApiCarryTheSecurityHeaders() {
        assertHeaders(RestAssured.get("/console/sign-in"), 200);
        assertHeaders(RestAssured.given().redirects().follow(false).get("/console/jobs"), 303);
        assertHeaders(Api.as("acme").get("/api/jobs"), 200);
        assertHeaders(RestAssured.get("/api/jobs"), 401);
    }

    @Test
    void anAnswerWithANewSigningSecretIsNotStored() {
        Response created = Api.as("acme").body(Map.of("url", "http://localhost:9/hook")).post("/api/subscriptions");
        assertHeaders(created, 201);
        String id = created.path("id");
        assertHeaders(Api.as("acme").post("/api/subscriptions/" + id + "/rotate-secret"), 200);
    }

    private static void assertHeaders(Response answer, int status) {
        assertEquals(status, answer.statusCode(), answer.asString());
        assertEquals("default-src 'self'; frame-ancestors 'none'", answer.header("Content-Security-Policy"));
        assertEquals("DENY", answer.header("X-Frame-Options"));
        assertEquals("nosniff", answer.header("X-Content-Type-Options"));
        assertEquals("no-referrer", answer.header("Referrer-Policy"));
        assertEquals("no-store", answer.header("Cache-Control"));
    }
}
