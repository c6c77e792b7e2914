package ai.sxwl.gateway.console;

import ai.sxwl.gateway.callback.CallbackTokens;
import ai.sxwl.gateway.testing.Api;
import ai.sxwl.gateway.testing.ConsoleSignIn;
import ai.sxwl.gateway.testing.Db;
import ai.sxwl.gateway.testing.TestJobs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.stream.Stream;

import static ai.sxwl.gateway.testing.Api.as;
import static ai.sxwl.gateway.testing.Callbacks.body;
import static ai.sxwl.gateway.testing.Callbacks.onToken;
import static ai.sxwl.gateway.testing.ConsoleSignIn.CSRF;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18, Build 8: tenant A ("globex") owns a succeeded job with a receipt, a delivered and a dead delivery, a Kafka
 * dead letter and a subscription; tenant B ("acme") calls every /api route and every console page and action on them.
 * Each answers 404 or leaves them out, and afterwards A's rows are exactly as before. The route table must list every
 * path and method of the OpenAPI document, so a new route fails here until its fence is stated. Every console form
 * refuses a missing token and another session's token (403) and changes nothing.
 */
@QuarkusTest
class TenantFencesTest {

    private static final String A = "globex";
    private static final String B = "acme";
    private static final WireMockServer RECEIVER = new WireMockServer(options().dynamicPort());

    /** A's things, made once for the whole class. */
    private static Fixture fixture;

    private record Fixture(String jobId, String subscriptionId, long deliveryId, long deadDeliveryId,
                           long deadLetterId, String aSession, String bSession) {
    }

    @Inject
    CallbackTokens tokens;

    @Inject
    Db db;

    @Inject
    ObjectMapper mapper;

    @BeforeEach
    void aOwnsAJobWithAReceiptDeliveriesADeadLetterAndASubscription() {
        if (fixture != null) {
            return;
        }
        RECEIVER.start();
        Runtime.getRuntime().addShutdownHook(new Thread(RECEIVER::stop));
        RECEIVER.stubFor(post("/fence").willReturn(aResponse().withStatus(204)));
        String jobId = TestJobs.newJobId();
        String subscriptionId = as(A).body(Map.of("url", "http://localhost:" + RECEIVER.port() + "/fence",
                "jobId", jobId)).post("/api/subscriptions").then().statusCode(201).extract().path("id");
        String token = tokens.mint(TestJobs.submission(A, jobId));
        onToken(token, body(jobId, "working", "")).statusCode(200);
        onToken(token, body(jobId, "success", TestJobs.signedModelUrl(jobId, 2_000_000_000L))).statusCode(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> db.count("SELECT COUNT(*) FROM webhook_delivery"
                + " WHERE subscription_id = ? AND state = 'delivered'", subscriptionId) == 2);
        List<Map<String, Object>> deliveries = db.rows("SELECT id FROM webhook_delivery WHERE subscription_id = ?"
                + " ORDER BY id", subscriptionId);
        long deliveryId = ((Number) deliveries.get(1).get("id")).longValue();
        long deadDeliveryId = ((Number) deliveries.get(0).get("id")).longValue();
        db.update("UPDATE webhook_delivery SET state = 'dead', next_attempt_at = NULL WHERE id = ?", deadDeliveryId);
        Instant now = Instant.now();
        db.update("INSERT INTO kafka_dead_letter (tenant, topic, record_key, event_id, payload, reason, created_at,"
                + " failed_at) VALUES (?, 'gateway.job-events', ?, ?, '{}', 'too large', ?, ?)", A, jobId,
                jobId + ":succeeded", java.sql.Timestamp.from(now), java.sql.Timestamp.from(now));
        long deadLetterId = ((Number) db.rows("SELECT id FROM kafka_dead_letter WHERE record_key = ?", jobId)
                .get(0).get("id")).longValue();
        fixture = new Fixture(jobId, subscriptionId, deliveryId, deadDeliveryId, deadLetterId, signIn(A), signIn(B));
    }

    /** What B does to A's things: a method, a path (as in the OpenAPI document) and what B must see. */
    private record Call(String method, String template, String body, Expect expect) {
        @Override
        public String toString() {
            return method + " " + template;
        }
    }

    private enum Expect { NOT_FOUND, ABSENT, OWN }

    static Stream<Call> apiRoutes() {
        return Stream.of(
                new Call("GET", "/api/jobs", null, Expect.ABSENT),
                new Call("GET", "/api/jobs/{jobId}", null, Expect.NOT_FOUND),
                new Call("GET", "/api/jobs/{jobId}/events", null, Expect.NOT_FOUND),
                new Call("GET", "/api/jobs/{jobId}/receipts", null, Expect.NOT_FOUND),
                new Call("GET", "/api/jobs/{jobId}/model-url", null, Expect.NOT_FOUND),
                new Call("PATCH", "/api/jobs/{jobId}/labels", "{\"team\": \"b\"}", Expect.NOT_FOUND),
                new Call("GET", "/api/events", null, Expect.ABSENT),
                new Call("GET", "/api/deliveries", null, Expect.ABSENT),
                new Call("GET", "/api/deliveries/{id}", null, Expect.NOT_FOUND),
                new Call("POST", "/api/deliveries/{id}/redeliver", null, Expect.NOT_FOUND),
                new Call("GET", "/api/subscriptions", null, Expect.ABSENT),
                new Call("POST", "/api/subscriptions", "{\"url\": \"ftp://x\"}", Expect.OWN),
                new Call("GET", "/api/subscriptions/{id}", null, Expect.NOT_FOUND),
                new Call("PATCH", "/api/subscriptions/{id}", "{\"enabled\": false}", Expect.NOT_FOUND),
                new Call("DELETE", "/api/subscriptions/{id}", null, Expect.NOT_FOUND),
                new Call("POST", "/api/subscriptions/{id}/rotate-secret", null, Expect.NOT_FOUND),
                new Call("POST", "/api/subscriptions/{id}/replay", "{\"jobId\": \"{jobId}\"}", Expect.NOT_FOUND),
                new Call("POST", "/api/subscriptions/{id}/redeliver-dead", "{}", Expect.NOT_FOUND),
                new Call("GET", "/api/outbox/dead", null, Expect.ABSENT),
                new Call("POST", "/api/outbox/dead/{id}/resend", null, Expect.NOT_FOUND),
                new Call("POST", "/api/outbox/dead/resend", null, Expect.OWN),
                new Call("GET", "/api/signing-secret", null, Expect.OWN),
                new Call("POST", "/api/signing-secret/rotate", null, Expect.OWN),
                new Call("POST", "/api/userJob", "{}", Expect.OWN),
                new Call("POST", "/api/userJob/job_status", "{\"job_id\": \"{jobId}\"}", Expect.OWN),
                new Call("POST", "/api/userJob/job_del", "{\"job_id\": \"{jobId}\"}", Expect.OWN),
                new Call("GET", "/api/schema/job-event.json", null, Expect.OWN),
                new Call("GET", "/api/schema/operational-event.json", null, Expect.OWN),
                new Call("GET", "/api/schema/asyncapi.json", null, Expect.OWN));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("apiRoutes")
    void tenantBCannotReachOrChangeTenantAsThingsThroughTheApi(Call call) {
        Map<String, Object> before = aState();
        String path = fill(call.template(), call.template().startsWith("/api/outbox") ? fixture.deadLetterId()
                : call.template().startsWith("/api/deliveries") ? fixture.deadDeliveryId() : 0);
        RequestSpecification request = as(B);
        if (call.body() != null) {
            request = request.body(fill(call.body(), 0));
        }
        Response answer = request.request(call.method(), path + (path.equals("/api/events") ? "?limit=500" : ""));
        String text = answer.asString();
        switch (call.expect()) {
            case NOT_FOUND -> assertEquals(404, answer.statusCode(), path + ": " + text);
            case ABSENT, OWN -> assertTrue(answer.statusCode() < 500, path + ": " + text);
        }
        for (String secret : aSecrets()) {
            assertFalse(text.contains(secret), "A's secret in B's answer to " + path);
        }
        if (call.expect() == Expect.ABSENT) {
            for (String id : List.of(fixture.jobId(), fixture.subscriptionId())) {
                assertFalse(text.contains(id), "A's " + id + " in B's " + path + ": " + text);
            }
        }
        assertEquals(before, aState(), "A's rows after B's " + call);
    }

    @Test
    void theRouteTableListsEveryApiRouteOfTheOpenApiDocument() throws Exception {
        JsonNode paths = mapper.readTree(RestAssured.get("/q/openapi?format=json").then().statusCode(200).extract()
                .asString()).path("paths");
        Set<String> documented = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            if (path.getKey().startsWith("/api/")) {
                path.getValue().fieldNames().forEachRemaining(method -> {
                    if (Set.of("get", "post", "patch", "put", "delete").contains(method)) {
                        documented.add(method.toUpperCase() + " " + path.getKey());
                    }
                });
            }
        }
        Set<String> tabled = new TreeSet<>(apiRoutes().map(Call::toString).toList());
        assertEquals(documented, tabled, "a new /api route needs its row in apiRoutes()");
    }

    static Stream<String> consolePages() {
        return Stream.of("/console/jobs/{jobId}", "/console/jobs", "/console/deliveries", "/console/subscriptions",
                "/console");
    }

    @ParameterizedTest(name = "GET {0}")
    @MethodSource("consolePages")
    void tenantBsConsoleShowsNoneOfTenantAsThings(String template) {
        Response page = console(fixture.bSession()).get(fill(template, 0));
        if (template.contains("{jobId}")) {
            assertEquals(404, page.statusCode());
        } else {
            assertEquals(200, page.statusCode(), template);
            for (String id : List.of(fixture.jobId(), fixture.subscriptionId())) {
                assertFalse(page.asString().contains(id), "A's " + id + " on B's " + template);
            }
        }
    }

    /** Every console form but sign-in, as a path (with A's things) and its fields. */
    static Stream<String> consoleForms() {
        return Stream.of("/console/deliveries/{id}/redeliver", "/console/deliveries/redeliver-dead",
                "/console/dead-letters/resend", "/console/subscriptions", "/console/subscriptions/{id}/rotate",
                "/console/subscriptions/{id}/enabled", "/console/subscriptions/{id}/filters", "/console/sign-out");
    }

    @ParameterizedTest(name = "POST {0} as B")
    @MethodSource("consoleForms")
    void tenantBsConsoleActionsLeaveTenantAsThingsAlone(String template) {
        Map<String, Object> before = aState();
        Response answer = form(fixture.bSession(), csrfOf(fixture.bSession()), template);
        if (template.contains("{id}")) {
            assertEquals(404, answer.statusCode(), template + ": " + answer.asString());
        } else {
            assertTrue(answer.statusCode() < 500, template + ": " + answer.asString());
        }
        assertEquals(before, aState(), "A's rows after B's " + template);
        if (template.endsWith("sign-out")) {
            fixtureWithNewBSession();
        }
    }

    @ParameterizedTest(name = "POST {0} without a token and with another session's")
    @MethodSource("consoleForms")
    void everyConsoleFormRefusesAMissingTokenAndAnotherSessionsToken(String template) {
        Map<String, Object> before = aState();
        assertEquals(403, form(fixture.aSession(), null, template).statusCode(), template + " without a token");
        assertEquals(403, form(fixture.aSession(), csrfOf(fixture.bSession()), template).statusCode(),
                template + " with B's token");
        String otherA = signIn(A);
        assertEquals(403, form(fixture.aSession(), csrfOf(otherA), template).statusCode(),
                template + " with another session's token of the same tenant");
        assertEquals(before, aState(), "A's rows after forged " + template);
        console(fixture.aSession()).get("/console/jobs").then().statusCode(200); // still signed in
    }

    @Test
    void theSignInFormRefusesAMissingTokenAndAnotherFormsToken() {
        Response mine = RestAssured.get("/console/sign-in");
        Response other = RestAssured.get("/console/sign-in");
        Matcher otherToken = CSRF.matcher(other.asString());
        assertTrue(otherToken.find());
        for (String csrf : new String[]{null, otherToken.group(1)}) {
            RequestSpecification request = RestAssured.given().redirects().follow(false)
                    .cookie(ConsoleSession.SIGN_IN_COOKIE, mine.getCookie(ConsoleSession.SIGN_IN_COOKIE))
                    .formParam("apiKey", Api.API_KEYS.get(A));
            if (csrf != null) {
                request = request.formParam("csrf", csrf);
            }
            Response answer = request.post("/console/sign-in");
            assertEquals(403, answer.statusCode());
            assertEquals(null, answer.getCookie(ConsoleSession.COOKIE), "no session");
        }
    }

    private void fixtureWithNewBSession() {
        fixture = new Fixture(fixture.jobId(), fixture.subscriptionId(), fixture.deliveryId(),
                fixture.deadDeliveryId(), fixture.deadLetterId(), fixture.aSession(), signIn(B));
    }

    private Response form(String session, String csrf, String template) {
        RequestSpecification request = console(session).redirects().follow(false)
                .formParam("url", "http://localhost:" + RECEIVER.port() + "/fence").formParam("enabled", "false");
        if (csrf != null) {
            request = request.formParam("csrf", csrf);
        }
        return request.post(fill(template, template.startsWith("/console/deliveries")
                ? fixture.deadDeliveryId() : 0));
    }

    private static RequestSpecification console(String session) {
        return RestAssured.given().cookie(ConsoleSession.COOKIE, session);
    }

    private static String fill(String template, long numericId) {
        return template.replace("{jobId}", fixture.jobId())
                .replace("{id}", numericId != 0 ? Long.toString(numericId) : fixture.subscriptionId());
    }

    /** Everything of A's that B might change, read from the database and A's own API. */
    private Map<String, Object> aState() {
        return Map.of(
                "job", db.rows("SELECT status, seq, updated_at FROM job WHERE job_id = ?", fixture.jobId()),
                "receipts", db.count("SELECT COUNT(*) FROM callback_receipt WHERE job_id = ?", fixture.jobId()),
                "subscription", db.rows("SELECT * FROM subscription WHERE id = ?", fixture.subscriptionId()),
                "deliveries", db.rows("SELECT id, state, attempts, next_attempt_at FROM webhook_delivery"
                        + " WHERE subscription_id = ? ORDER BY id", fixture.subscriptionId()),
                "dead letter", db.rows("SELECT * FROM kafka_dead_letter WHERE id = ?", fixture.deadLetterId()),
                "signing key", db.rows("SELECT * FROM tenant_signing_key WHERE tenant = ?", A));
    }

    private List<String> aSecrets() {
        List<String> secrets = new ArrayList<>();
        db.rows("SELECT secret FROM subscription WHERE id = ?", fixture.subscriptionId())
                .forEach(row -> secrets.add((String) row.get("secret")));
        db.rows("SELECT * FROM tenant_signing_key WHERE tenant = ?", A).forEach(row -> row.values().stream()
                .filter(v -> v instanceof String s && s.startsWith("whsec_")).forEach(v -> secrets.add((String) v)));
        secrets.add(Api.API_KEYS.get(A));
        return secrets;
    }

    private static String csrfOf(String session) {
        Matcher csrf = CSRF.matcher(console(session).get("/console/subscriptions").asString());
        assertTrue(csrf.find(), "a signed-in page carries the session's token");
        return csrf.group(1);
    }

    private static String signIn(String tenant) {
        return ConsoleSignIn.session(tenant);
    }
}
