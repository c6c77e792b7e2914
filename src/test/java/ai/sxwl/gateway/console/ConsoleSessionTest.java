package ai.sxwl.gateway.console;

import ai.sxwl.gateway.callback.CallbackTokens;
import ai.sxwl.gateway.testing.Api;
import ai.sxwl.gateway.testing.ConsoleSignIn;
import ai.sxwl.gateway.testing.Db;
import ai.sxwl.gateway.testing.RawHttp;
import ai.sxwl.gateway.testing.TestJobs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static ai.sxwl.gateway.testing.Callbacks.body;
import static ai.sxwl.gateway.testing.Callbacks.onToken;
import static ai.sxwl.gateway.testing.ConsoleSignIn.CSRF;
import static ai.sxwl.gateway.testing.ConsoleSignIn.signIn;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's session from outside the browser: cookie attributes, CSRF on every form, tenant scope, language, and
 * how a session ends (issue 18, 3 and 5).
 */
@QuarkusTest
class ConsoleSessionTest {


    /** The tests' trusted proxy (%test.quarkus.http.proxy.trusted-proxies), and a peer that is not one. */
    private static final String TRUSTED_PROXY = "127.0.0.2";
    private static final String UNTRUSTED_PEER = "127.0.0.3";

    @Inject
    CallbackTokens tokens;

    @Inject
    Db db;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void theSessionCookieIsHttpOnlyStrictAndHoldsNoKey() {
        Response signedIn = signIn("acme");
        String setCookie = signedIn.getHeaders().getValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(ConsoleSession.COOKIE + "=")).findFirst().orElseThrow();
        assertTrue(setCookie.contains("HttpOnly"), setCookie);
        assertTrue(setCookie.contains("SameSite=Strict"), setCookie);
        assertFalse(setCookie.contains(Api.API_KEYS.get("acme")), "the API key itself is not in the cookie");
        assertEquals("/console/jobs", signedIn.getHeader("Location").replaceAll("^https?://[^/]+", ""));
    }

    @Test
    void aFormWithoutTheSessionsCsrfTokenIsRefused() {
        String session = signIn("acme").getCookie(ConsoleSession.COOKIE);
        RestAssured.given().redirects().follow(false).cookie(ConsoleSession.COOKIE, session)
                .formParam("csrf", "forged").post("/console/deliveries/redeliver-dead").then().statusCode(403);
        RestAssured.given().redirects().follow(false).cookie(ConsoleSession.COOKIE, session)
                .post("/console/dead-letters/resend").then().statusCode(403);
        // The sign-in form too: without its own token, a right key does not sign in.
        RestAssured.given().redirects().follow(false).formParam("apiKey", Api.API_KEYS.get("acme"))
                .post("/console/sign-in").then().statusCode(403);
        String page = RestAssured.given().cookie(ConsoleSession.COOKIE, session).get("/console/deliveries").asString();
        Matcher csrf = CSRF.matcher(page);
        assertTrue(csrf.find());
        RestAssured.given().redirects().follow(false).cookie(ConsoleSession.COOKIE, session)
                .formParam("csrf", csrf.group(1)).post("/console/deliveries/redeliver-dead").then().statusCode(303);
    }

    @Test
    void aSessionSeesOnlyItsTenantsJobsAndAForgedCookieNone() {
        String jobId = TestJobs.newJobId();
        onToken(tokens.mint(TestJobs.submission("globex", jobId)), body(jobId, "fail", "")).statusCode(200);
        String acme = signIn("acme").getCookie(ConsoleSession.COOKIE);
        RestAssured.given().cookie(ConsoleSession.COOKIE, acme).get("/console/jobs/" + jobId).then().statusCode(404);
        String globex = signIn("globex").getCookie(ConsoleSession.COOKIE);
        RestAssured.given().cookie(ConsoleSession.COOKIE, globex).get("/console/jobs/" + jobId).then().statusCode(200)
                .body(containsString(jobId));
        String forged = ConsoleSession.randomToken(32);
        RestAssured.given().redirects().follow(false).cookie(ConsoleSession.COOKIE, forged).get("/console/jobs")
                .then().statusCode(303);
    }

    /** Issue 18 (3): the cookie is a random id; the database knows it only by its hash, and nothing in it is the key's. */
    @Test
    void theSessionCookieIsARandomIdKnownToTheDatabaseOnlyByItsHash() throws Exception {
        String first = signIn("acme").getCookie(ConsoleSession.COOKIE);
        String second = signIn("acme").getCookie(ConsoleSession.COOKIE);
        assertNotEquals(first, second, "each sign-in is a session of its own");
        for (String cookie : List.of(first, second)) {
            assertTrue(cookie.matches("[A-Za-z0-9_-]{43}"), "32 random bytes, base64url: " + cookie);
            assertEquals(1, db.count("SELECT COUNT(*) FROM console_session WHERE id_hash = ?", idHash(cookie)));
            assertEquals(0, db.count("SELECT COUNT(*) FROM console_session WHERE id_hash = ?", cookie),
                    "the id itself is not stored");
            String key = Api.API_KEYS.get("acme");
            for (String derived : List.of(sha256(key), hmac(key, cookie), key)) {
                assertFalse(cookie.contains(derived), "nothing in the cookie comes from the API key");
            }
        }
    }

    @Test
    void signOutEndsTheSessionForTheOldCookieToo() {
        String session = signIn("acme").getCookie(ConsoleSession.COOKIE);
        String csrf = csrfOf(session);
        RestAssured.given().redirects().follow(false).cookie(ConsoleSession.COOKIE, session).formParam("csrf", csrf)
                .post("/console/sign-out").then().statusCode(303);
        RestAssured.given().redirects().follow(false).cookie(ConsoleSession.COOKIE, session).get("/console/jobs")
                .then().statusCode(303).header("Location", endsWith(ConsoleFilter.SIGN_IN));
        assertEquals(0, db.count("SELECT COUNT(*) FROM console_session WHERE id_hash = ?", idHash(session)));
    }

    @Test
    void aSessionEndsAfterItsIdleTimeoutAndAtItsLifetime() {
        String idle = signIn("acme").getCookie(ConsoleSession.COOKIE);
        String old = signIn("acme").getCookie(ConsoleSession.COOKIE);
        String fresh = signIn("acme").getCookie(ConsoleSession.COOKIE);
        // Aged behind the gateway's back, as the clock would: idle just past 30 minutes; signed in 8 hours ago but
        // busy a moment ago.
        db.update("UPDATE console_session SET last_seen_at = last_seen_at - INTERVAL '31 minutes',"
                + " created_at = created_at - INTERVAL '31 minutes' WHERE id_hash = ?", idHash(idle));
        db.update("UPDATE console_session SET created_at = created_at - INTERVAL '8 hours 1 minute' WHERE id_hash = ?",
                idHash(old));
        for (String ended : List.of(idle, old)) {
            RestAssured.given().redirects().follow(false).cookie(ConsoleSession.COOKIE, ended).get("/console/jobs")
                    .then().statusCode(303).header("Location", endsWith(ConsoleFilter.SIGN_IN));
        }
        RestAssured.given().redirects().follow(false).cookie(ConsoleSession.COOKIE, fresh).get("/console/jobs")
                .then().statusCode(200);
    }

    @Test
    void aSessionEndsWhenItsTenantsKeyIsNoLongerTheOneItSignedInWith() {
        String session = signIn("globex").getCookie(ConsoleSession.COOKIE);
        // What a restart with a rotated key looks like to this session: its fingerprint is of another key.
        db.update("UPDATE console_session SET key_fingerprint = ? WHERE id_hash = ?", sha256("the-old-key"),
                idHash(session));
        RestAssured.given().redirects().follow(false).cookie(ConsoleSession.COOKIE, session).get("/console/jobs")
                .then().statusCode(303);
        assertEquals(0, db.count("SELECT COUNT(*) FROM console_session WHERE id_hash = ?", idHash(session)));
    }

    /** Issue 18 (5): both cookies are Secure when a trusted proxy says the browser used https, and only then. */
    @Test
    void cookiesAreSecureBehindATrustedProxyThatSaysHttps() throws Exception {
        assertCookiesSecure(TRUSTED_PROXY, "X-Forwarded-Proto: https", true);
        assertCookiesSecure(UNTRUSTED_PEER, "X-Forwarded-Proto: https", false);
        assertCookiesSecure(TRUSTED_PROXY, "X-Forwarded-Proto: http", false);
    }

    private void assertCookiesSecure(String from, String forwarded, boolean secure) throws Exception {
        RawHttp.Answer form = RawHttp.send(from, port, "GET", "/console/sign-in", null, forwarded);
        String signInCookie = cookie(form, ConsoleSession.SIGN_IN_COOKIE);
        assertEquals(secure, signInCookie.contains("Secure"), from + " " + forwarded + ": " + signInCookie);
        Matcher csrf = CSRF.matcher(form.body());
        assertTrue(csrf.find());
        String token = signInCookie.substring(signInCookie.indexOf('=') + 1, signInCookie.indexOf(';'));
        RawHttp.Answer signedIn = RawHttp.send(from, port, "POST", "/console/sign-in",
                "csrf=" + csrf.group(1) + "&apiKey=" + Api.API_KEYS.get("umbrella"), forwarded,
                "Content-Type: application/x-www-form-urlencoded",
                "Cookie: " + ConsoleSession.SIGN_IN_COOKIE + "=" + token);
        assertEquals(303, signedIn.status(), signedIn.body());
        String sessionCookie = cookie(signedIn, ConsoleSession.COOKIE);
        assertEquals(secure, sessionCookie.contains("Secure"), from + " " + forwarded + ": " + sessionCookie);
    }

    private static String cookie(RawHttp.Answer answer, String name) {
        return answer.headers("set-cookie").stream().filter(c -> c.startsWith(name + "=")).findFirst().orElseThrow();
    }

    private static String csrfOf(String session) {
        Matcher csrf = CSRF.matcher(RestAssured.given().cookie(ConsoleSession.COOKIE, session).get("/console/jobs")
                .asString());
        assertTrue(csrf.find());
        return csrf.group(1);
    }

    private static String idHash(String id) {
        return sha256(id);
    }

    private static String sha256(String text) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hmac(String key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(
                    message.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theActivityChartCountsTheTenantsCallbacksAndOutcomes() {
        String session = signIn("initech").getCookie(ConsoleSession.COOKIE);
        String other = signIn("umbrella").getCookie(ConsoleSession.COOKIE);
        int before = callbacksCharted(session);
        int otherBefore = callbacksCharted(other);
        for (int i = 0; i < 3; i++) {
            String jobId = TestJobs.newJobId();
            onToken(tokens.mint(TestJobs.submission("initech", jobId)), body(jobId, "fail", "")).statusCode(200);
        }
        String page = RestAssured.given().cookie(ConsoleSession.COOKIE, session).get("/console/jobs").asString();
        assertEquals(before + 3, callbacksCharted(session), "three more callbacks in the last hours");
        assertTrue(page.contains("fill=\"#cf222e\""), "failed outcomes are drawn");
        assertEquals(otherBefore, callbacksCharted(other), "another tenant's chart does not count them");
    }

    /** The chart's total of callbacks over its span, as it prints it. */
    private static int callbacksCharted(String session) {
        String page = RestAssured.given().cookie(ConsoleSession.COOKIE, session).get("/console/jobs").asString();
        Matcher total = Pattern.compile("callbacks (\\d+)</text>").matcher(page);
        assertTrue(total.find(), "the chart prints its total");
        return Integer.parseInt(total.group(1));
    }

    @Test
    void aJobsLabelsAreShownInTheListAndTimelineAndFilterTheList() {
        String experiment = "exp-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        String jobId = TestJobs.newJobId();
        onToken(tokens.mint(TestJobs.submission("globex", jobId)), body(jobId, "working", "")).statusCode(200);
        Api.as("globex").body(java.util.Map.of("experiment", experiment, "stage", "train"))
                .patch("/api/jobs/" + jobId + "/labels").then().statusCode(200);
        String session = signIn("globex").getCookie(ConsoleSession.COOKIE);

        String list = RestAssured.given().cookie(ConsoleSession.COOKIE, session)
                .get("/console/jobs?label=experiment=" + experiment).then().statusCode(200).extract().asString();
        assertTrue(list.contains(jobId) && list.contains("experiment=" + experiment), list);
        String none = RestAssured.given().cookie(ConsoleSession.COOKIE, session)
                .get("/console/jobs?label=experiment=exp-none").then().statusCode(200).extract().asString();
        assertFalse(none.contains(jobId), "the label filters the list");
        RestAssured.given().cookie(ConsoleSession.COOKIE, session).get("/console/jobs/" + jobId).then()
                .statusCode(200).body(containsString("experiment=" + experiment)).body(containsString("stage=train"));
    }

    @Test
    void aSubscriptionsFiltersAreShownAndEditedInTheConsoleAndABrokenOneIsRefusedAtItsPointer() {
        String subscription = Api.as("globex").body(java.util.Map.of("url", "http://127.0.0.1:9/console-filters",
                "enabled", false)).post("/api/subscriptions").then().statusCode(201).extract().path("id");
        try {
            String session = signIn("globex").getCookie(ConsoleSession.COOKIE);
            String filters = "[{\"exact\": {\"labels.experiment\": \"exp-42\"}}]";
            String page = RestAssured.given().cookie(ConsoleSession.COOKIE, session)
                    .formParam("csrf", csrfOf(session)).formParam("filters", filters)
                    .post("/console/subscriptions/" + subscription + "/filters").then().statusCode(200)
                    .extract().asString();
            assertTrue(page.contains("[{&quot;exact&quot;:{&quot;labels.experiment&quot;:&quot;exp-42&quot;}}]"), page);
            Api.as("globex").get("/api/subscriptions/" + subscription).then()
                    .body("filters[0].exact.'labels.experiment'", org.hamcrest.Matchers.equalTo("exp-42"));

            String refused = RestAssured.given().cookie(ConsoleSession.COOKIE, session)
                    .formParam("csrf", csrfOf(session)).formParam("filters", "[{\"any\": []}]")
                    .post("/console/subscriptions/" + subscription + "/filters").then().statusCode(200)
                    .extract().asString();
            assertTrue(refused.contains("id=\"error\"") && refused.contains("/filters/0/any"), refused);
            Api.as("globex").get("/api/subscriptions/" + subscription).then()
                    .body("filters[0].exact.'labels.experiment'", org.hamcrest.Matchers.equalTo("exp-42"));

            RestAssured.given().cookie(ConsoleSession.COOKIE, session).formParam("csrf", csrfOf(session))
                    .formParam("filters", "").post("/console/subscriptions/" + subscription + "/filters").then()
                    .statusCode(200);
            Api.as("globex").get("/api/subscriptions/" + subscription).then()
                    .body("filters", org.hamcrest.Matchers.nullValue());
        } finally {
            Api.as("globex").delete("/api/subscriptions/" + subscription).then().statusCode(204);
        }
    }

    @Test
    void labelsFollowAcceptLanguage() {
        RestAssured.given().header("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8").get("/console/sign-in").then()
                .statusCode(200).body(containsString("登录")).body(containsString("lang=\"zh\""));
        RestAssured.given().header("Accept-Language", "en-GB,en;q=0.9").get("/console/sign-in").then()
                .statusCode(200).body(containsString("Sign in"));
    }
}
