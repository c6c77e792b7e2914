package ai.sxwl.gateway.testing;

import ai.sxwl.gateway.console.ConsoleSession;
import io.restassured.RestAssured;
import io.restassured.response.Response;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Signs in to the console of the application under test as a browser does, for tests of its pages. */
public final class ConsoleSignIn {

    /** A form's CSRF token in a console page. */
    public static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private ConsoleSignIn() {
    }

    /** The sign-in form's token and its cookie, then the tenant's key in the form body: the answer (a 303). */
    public static Response signIn(String tenant) {
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

    /** A signed-in session cookie of the tenant. */
    public static String session(String tenant) {
        return signIn(tenant).getCookie(ConsoleSession.COOKIE);
    }
}
