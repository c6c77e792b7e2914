package ai.sxwl.gateway.callback;

import ai.sxwl.gateway.problem.ProblemException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A property, checked on thousands of generated inputs: whatever bytes arrive at the public callback URLs, the parser
 * either accepts them or answers a 4xx problem, never anything that would become a 5xx. The inputs come from a seeded
 * generator; a failure names its seed and input, so it can be replayed.
 */
class CallbackParserPropertiesTest {

    private static final long SEED = Long.getLong("properties.seed", System.nanoTime());
    private static final String[] KEYS = {"jobId", "job_id", "status", "url", "extra", "", "jobId\\u0000"};
    private static final String[] VALUES = {"\"success\"", "\"fail\"", "\"working\"", "\"\"", "null", "1", "-0.5e9",
            "true", "[]", "{}", "\"https://oss.example/m.bin?Expires=1\"", "\"ai\\u0000x\"", "\"http://\"",
            "\"ai-1.2_3:4\"", "\"" + "a".repeat(200) + "\"", "\"\\ud800\""};

    private final CallbackParser parser = new CallbackParser(new ObjectMapper());
    private final Random random = new Random(SEED);

    @Test
    void anyBytesAreAcceptedOrA4xx() {
        for (int i = 0; i < 3000; i++) {
            byte[] body = new byte[random.nextInt(200)];
            random.nextBytes(body);
            assertAcceptedOr4xx(body, random.nextBoolean());
        }
    }

    @Test
    void anyCallbackShapedJsonIsAcceptedOrA4xx() {
        int accepted = 0;
        for (int i = 0; i < 5000; i++) {
            if (assertAcceptedOr4xx(callbackShaped().getBytes(StandardCharsets.UTF_8), random.nextBoolean())) {
                accepted++;
            }
        }
        assertTrue(accepted > 0, "the generator also reaches valid callbacks (seed " + SEED + ")");
    }

    /** An object of up to six members with keys and values that a callback has, or nearly has, or should not. */
    private String callbackShaped() {
        List<String> members = new ArrayList<>();
        for (int m = random.nextInt(7); m > 0; m--) {
            String value = random.nextInt(4) == 0 ? randomText() : VALUES[random.nextInt(VALUES.length)];
            members.add("\"" + KEYS[random.nextInt(KEYS.length)] + "\":" + value);
        }
        return "{" + String.join(",", members) + "}";
    }

    private String randomText() {
        StringBuilder text = new StringBuilder("\"");
        for (int c = random.nextInt(40); c > 0; c--) {
            char ch = (char) random.nextInt(0x3000);
            text.append(ch == '"' || ch == '\\' || ch < 0x20 ? String.format("\\u%04x", (int) ch) : String.valueOf(ch));
        }
        return text.append('"').toString();
    }

    /** True when accepted; fails the test on anything but acceptance or a 4xx problem. */
    private boolean assertAcceptedOr4xx(byte[] body, boolean idRequired) {
        try {
            ParsedCallback parsed = parser.parse(body, idRequired);
            assertTrue(parsed.status() != null, "an accepted callback has a status");
            return true;
        } catch (ProblemException e) {
            int status = e.problem().status();
            assertTrue(status >= 400 && status < 500, () -> "answered " + status + " for "
                    + new String(body, StandardCharsets.UTF_8) + " (seed " + SEED + ")");
            return false;
        } catch (RuntimeException e) {
            return fail("threw " + e + " for " + new String(body, StandardCharsets.UTF_8) + " (seed " + SEED + ")");
        }
    }
}
