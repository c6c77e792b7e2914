package ai.sxwl.gateway.tenant;

import ai.sxwl.gateway.problem.Problem;
import ai.sxwl.gateway.testing.Api;
import ai.sxwl.gateway.testing.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18 (3): wrong API keys, on /api and at console sign-in, are throttled per client address and per tenant,
 * and a right key from an address without failures of its own always gets in. Each client is a loopback address of
 * its own (127.x.y.z), so that this test's counts are its own.
 */
@QuarkusTest
class KeyGuessingTest {

    /** The test profile's quarkus.http.proxy.trusted-proxies. */
    private static final String TRUSTED_PROXY = "127.0.0.2";
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @ConfigProperty(name = "gateway.auth.max-failures-per-address")
    int perAddress;

    @ConfigProperty(name = "gateway.auth.max-failures-per-tenant")
    int perTenant;

    @Test
    void tooManyWrongBearerKeysFromOneAddressAre429AndTheRightKeyFromAnotherStill200() throws Exception {
        String guesser = newAddress();
        for (int i = 0; i < perAddress; i++) {
            assertEquals(401, api(guesser, "wrong-key-" + i).status());
        }
        RawHttp.Answer throttled = api(guesser, "wrong-key-again");
        assertEquals(429, throttled.status(), throttled.body());
        assertEquals(Problem.MEDIA_TYPE, throttled.header("content-type"));
        long retryAfter = Long.parseLong(throttled.header("retry-after"));
        assertTrue(retryAfter > 0 && retryAfter <= 15 * 60, "Retry-After " + retryAfter);
        assertEquals(429, api(guesser, Api.API_KEYS.get("acme")).status(), "the guesser is held back, key unseen");
        assertEquals(200, api(newAddress(), Api.API_KEYS.get("acme")).status(), "another address is not");
        // A missing key is not a guess: no count.
        String forgetful = newAddress();
        for (int i = 0; i < perAddress + 2; i++) {
            assertEquals(401, RawHttp.send(forgetful, port, "GET", "/api/jobs", null).status());
        }
        assertEquals(200, api(forgetful, Api.API_KEYS.get("acme")).status());
    }

    @Test
    void aGuessSpreadOverManyAddressesAgainstOneTenantHoldsBackEachGuesserButNotItsOwner() throws Exception {
        String firstGuesser = newAddress();
        assertEquals(401, api(firstGuesser, "globex-guess-0").status());
        for (int i = 1; i < perTenant; i++) {
            assertEquals(401, api(newAddress(), "globex-guess-" + i).status());
        }
        assertEquals(429, api(firstGuesser, "globex-guess-again").status(), "an address that guessed waits");
        assertEquals(429, api(firstGuesser, Api.API_KEYS.get("globex")).status(), "even with the right key");
        assertEquals(200, api(firstGuesser, Api.API_KEYS.get("acme")).status(), "other tenants are not held");
        assertEquals(200, api(newAddress(), Api.API_KEYS.get("globex")).status(), "the owner gets in");
        String lateGuesser = newAddress();
        assertEquals(401, api(lateGuesser, "globex-guess-late").status(), "one guess per address, checked");
        assertEquals(429, api(lateGuesser, "globex-guess-later").status(), "and then it waits");
    }

    @Test
    void tooManyWrongConsoleSignInsAre429() throws Exception {
        String guesser = newAddress();
        for (int i = 0; i < perAddress; i++) {
            assertEquals(401, signIn(guesser, "not-a-key-" + i).status());
        }
        RawHttp.Answer throttled = signIn(guesser, Api.API_KEYS.get("initech"));
        assertEquals(429, throttled.status());
        assertTrue(Long.parseLong(throttled.header("retry-after")) > 0);
        assertEquals(303, signIn(newAddress(), Api.API_KEYS.get("initech")).status());
        assertEquals(429, api(guesser, Api.API_KEYS.get("initech")).status(), "one count for the API and the console");
    }

    @Test
    void behindATrustedProxyTheClientIsTheAddressTheProxyAppendedNotOneTheClientWrote() throws Exception {
        String guesser = newAddress();
        for (int i = 0; i < perAddress; i++) {
            // An appending proxy (nginx's $proxy_add_x_forwarded_for) keeps what the client wrote on the left.
            assertEquals(401, viaProxy(newAddress() + ", " + guesser, "wrong-key-" + i).status());
        }
        assertEquals(429, viaProxy(newAddress() + ", " + guesser, "wrong-key-again").status(),
                "a new made-up address on each request is still the same client");
        assertEquals(200, viaProxy(guesser + ", " + newAddress(), Api.API_KEYS.get("acme")).status(),
                "another client, whatever it writes on the left");
    }

    private RawHttp.Answer viaProxy(String forwardedFor, String key) throws Exception {
        return RawHttp.send(TRUSTED_PROXY, port, "GET", "/api/jobs", null, "Authorization: Bearer " + key,
                "X-Forwarded-For: " + forwardedFor);
    }

    private RawHttp.Answer api(String from, String key) throws Exception {
        return RawHttp.send(from, port, "GET", "/api/jobs", null, "Authorization: Bearer " + key);
    }

    private RawHttp.Answer signIn(String from, String key) throws Exception {
        RawHttp.Answer form = RawHttp.send(from, port, "GET", "/console/sign-in", null);
        Matcher csrf = CSRF.matcher(form.body());
        assertTrue(csrf.find());
        String cookie = form.headers("set-cookie").get(0);
        return RawHttp.send(from, port, "POST", "/console/sign-in", "csrf=" + csrf.group(1) + "&apiKey=" + key,
                "Content-Type: application/x-www-form-urlencoded",
                "Cookie: " + cookie.substring(0, cookie.indexOf(';')));
    }

    /** A loopback address no other test uses: 127.0.0.1 is everyone's, 127.0.0.2 and .3 the proxy tests'. */
    private static String newAddress() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "127." + random.nextInt(1, 255) + "." + random.nextInt(0, 256) + "." + random.nextInt(1, 255);
    }
}
