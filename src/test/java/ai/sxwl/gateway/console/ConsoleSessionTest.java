package ai.sxwl.gateway.console;

import ai.sxwl.gateway.callback.CallbackTokens;
import ai.sxwl.gateway.testing.Api;
import ai.sxwl.gateway.testing.TestJobs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static ai.sxwl.gateway.testing.Callbacks.body;
import static ai.sxwl.gateway.testing.Callbacks.onToken;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's session from outside the browser: cookie attributes, CSRF on every form, tenant scope, language. */
@QuarkusTest
class ConsoleSessionTest {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    @Inject
    CallbackTokens tokens;

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
        String forged = globex.replaceFirst("^[^.]+", java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("acme".getBytes()));
        RestAssured.given().redirects().follow(false).cookie(ConsoleSession.COOKIE, forged).get("/console/jobs")
                .then().statusCode(303);
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
    void labelsFollowAcceptLanguage() {
        RestAssured.given().header("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8").get("/console/sign-in").then()
                .statusCode(200).body(containsString("登录")).body(containsString("lang=\"zh\""));
        RestAssured.given().header("Accept-Language", "en-GB,en;q=0.9").get("/console/sign-in").then()
                .statusCode(200).body(containsString("Sign in"));
    }

    /** Signs in as the browser does: the form's token and its cookie, then the key in the form body. */
    private static Response signIn(String tenant) {
        Response form = RestAssured.get("/console/sign-in");
        Matcher csrf = CSRF.matcher(form.asString());
        assertTrue(csrf.find());
        Response answer = RestAssured.given().redirects().follow(false)
                .cookie(ConsoleSession.SIGN_IN_COOKIE, form.getCookie(ConsoleSession.SIGN_IN_COOKIE))
                .formParam("csrf", csrf.group(1)).formParam("apiKey", Api.API_KEYS.get(tenant))
                .post("/console/sign-in");
        assertEquals(303, answer.statusCode(), answer.asString());
        return answer;
    }
}
