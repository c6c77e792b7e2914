package ai.sxwl.gateway.callback;

import ai.sxwl.gateway.history.UpstreamStatus;
import ai.sxwl.gateway.problem.ProblemException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of the callback parser, on generated inputs (jqwik: a failure is shrunk to a small input and reports the
 * seed that replays it): whatever bytes arrive at the public callback URLs, the parser either accepts them or answers
 * a 4xx problem, never anything that would become a 5xx; and what it accepts is what the body says — the job id,
 * the status and the model URL of the input, and the body itself unchanged.
 */
class CallbackParserPropertiesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] KEYS = {"jobId", "job_id", "status", "url", "extra", "", "jobId\\u0000"};
    private static final String[] VALUES = {"\"success\"", "\"fail\"", "\"working\"", "\"\"", "null", "1", "-0.5e9",
            "true", "[]", "{}", "\"https://oss.example/m.bin?Expires=1\"", "\"ai\\u0000x\"", "\"http://\"",
            "\"ai-1.2_3:4\"", "\"" + "a".repeat(200) + "\"", "\"\\ud800\""};

    private final CallbackParser parser = new CallbackParser(JSON);

    @Property(tries = 3000)
    void anyBytesAreAcceptedOrA4xx(@ForAll @Size(max = 200) byte[] body, @ForAll boolean idRequired) {
        parsedOr4xx(body, idRequired);
    }

    @Property(tries = 5000)
    void anyCallbackShapedJsonIsParsedAsItSaysOrA4xx(@ForAll("callbackShaped") Map<String, String> members,
                                                     @ForAll boolean idRequired) throws Exception {
        String body = members.entrySet().stream().map(m -> "\"" + m.getKey() + "\":" + m.getValue())
                .collect(Collectors.joining(",", "{", "}"));
        Optional<ParsedCallback> parsed = parsedOr4xx(body.getBytes(StandardCharsets.UTF_8), idRequired);
        Statistics.label("outcome").collect(parsed.isPresent() ? "accepted" : "4xx");
        Statistics.label("outcome").coverage(coverage -> coverage.check("accepted").count(n -> n > 0));
        if (parsed.isPresent()) {
            JsonNode input = JSON.readTree(body);
            ParsedCallback callback = parsed.get();
            assertEquals(input.path("status").textValue(), callback.status().wire(), "status of " + body);
            String named = Optional.ofNullable(text(input, "job_id")).orElse(text(input, "jobId"));
            assertEquals(named, callback.jobId(), "job id of " + body);
            assertEquals(text(input, "url"), callback.url(), "model URL of " + body);
            assertEquals(body, callback.body(), "the body as received");
        }
    }

    @Property(tries = 1000)
    void aValidCallbackIsParsedToExactlyWhatWasSent(@ForAll("jobIds") String jobId, @ForAll UpstreamStatus status,
                                                    @ForAll("modelUrls") Optional<String> url,
                                                    @ForAll boolean snakeCase) throws Exception {
        Map<String, String> members = new java.util.LinkedHashMap<>();
        members.put(snakeCase ? "job_id" : "jobId", jobId);
        members.put("status", status.wire());
        url.ifPresent(u -> members.put("url", u));
        byte[] body = JSON.writeValueAsBytes(members);

        ParsedCallback parsed = parser.parse(body, true);
        assertEquals(jobId, parsed.jobId());
        assertEquals(status, parsed.status());
        assertEquals(url.orElse(null), parsed.url());
        assertEquals(new String(body, StandardCharsets.UTF_8), parsed.body());
    }

    /** An object of up to six members with keys and values that a callback has, or nearly has, or should not. */
    @Provide
    Arbitrary<Map<String, String>> callbackShaped() {
        Arbitrary<String> value = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.of(VALUES)),
                net.jqwik.api.Tuple.of(1, Arbitraries.chars().range('\u0000', '\u3000').list().ofMaxSize(40)
                        .map(CallbackParserPropertiesTest::quoted)));
        return Arbitraries.maps(Arbitraries.of(KEYS), value).ofMaxSize(6);
    }

    @Provide
    Arbitrary<String> jobIds() {
        return Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9')
                .withChars('.', '_', ':', '-').ofMinLength(1).ofMaxLength(CallbackParser.MAX_JOB_ID_LENGTH);
    }

    @Provide
    Arbitrary<Optional<String>> modelUrls() {
        Arbitrary<String> urls = Combinators.combine(Arbitraries.of("http", "https", "HTTPS"),
                        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(20),
                        Arbitraries.strings().withCharRange('a', 'z').withChars('/', '.', '-', '_')
                                .ofMaxLength(60),
                        Arbitraries.longs().between(0, 4_000_000_000L))
                .as((scheme, host, path, expires) -> scheme + "://" + host + ".example/" + path + "?Expires="
                        + expires + "&Signature=x");
        return urls.optional();
    }

    /** A JSON string literal of these characters, control characters, quotes and backslashes escaped. */
    private static String quoted(java.util.List<Character> chars) {
        StringBuilder text = new StringBuilder("\"");
        for (char ch : chars) {
            text.append(ch == '"' || ch == '\\' || ch < 0x20 ? String.format("\\u%04x", (int) ch) : String.valueOf(ch));
        }
        return text.append('"').toString();
    }

    /** The member's text, or null when it is absent, JSON null or empty (what the parser treats as not given). */
    private static String text(JsonNode input, String field) {
        JsonNode node = input.get(field);
        return node == null || !node.isTextual() || node.textValue().isEmpty() ? null : node.textValue();
    }

    /** The parse when accepted; fails the property on anything but acceptance or a 4xx problem. */
    private Optional<ParsedCallback> parsedOr4xx(byte[] body, boolean idRequired) {
        try {
            ParsedCallback parsed = parser.parse(body, idRequired);
            assertTrue(parsed.status() != null, "an accepted callback has a status");
            return Optional.of(parsed);
        } catch (ProblemException e) {
            int status = e.problem().status();
            assertTrue(status >= 400 && status < 500, () -> "answered " + status + " for "
                    + new String(body, StandardCharsets.UTF_8));
            return Optional.empty();
        }
    }
}
