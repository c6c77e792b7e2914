package ai.sxwl.gateway.problem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

import static ai.sxwl.gateway.testing.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Property (SPEC section 5): any JSON body, with nulls, wrong types, huge numbers or deep nesting, on every /api POST
 * and PATCH route, is answered 2xx or 4xx, never 5xx; a body with a null is a 422 problem. jqwik's engine cannot run
 * inside a {@code @QuarkusTest} (its {@code @Property} methods bypass the Jupiter extension that starts the app), so
 * the bodies come from jqwik's generators, sampled ({@link Arbitrary#sampleStream()}, jqwik's own way to draw outside
 * a property) in a Jupiter test of the running app; a failure names the route and the body, which replays it.
 */
@QuarkusTest
class JsonBodiesPropertyTest {

    private static final String TENANT = "initech";
    /**
     * The proxy's job_status and job_del ask upstream about an id the gateway does not know, with the tenant's token:
     * initech's is revoked, which is the gateway's configuration, answered 502 whatever the body. They are tried as a
     * tenant whose token upstream accepts.
     */
    private static final String UPSTREAM_TENANT = "acme";
    private static final int BODIES_PER_ROUTE = 25;
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** Each /api route that takes a POST or PATCH body, with the field names its body knows. */
    private record Route(String method, String path, List<String> fields, String tenant) {

        Route(String method, String path, List<String> fields) {
            this(method, path, fields, TENANT);
        }
    }

    @Test
    void anyJsonBodyOnEveryApiWriteIsAnswered2xxOr4xxAndANullIs422() throws Exception {
        String subscription = as(TENANT).body("{\"url\": \"http://127.0.0.1:9/hook\", \"enabled\": false}")
                .post("/api/subscriptions").then().statusCode(201).extract().path("id");
        List<String> subscriptionFields = List.of("url", "eventTypes", "jobId", "description", "enabled",
                "rateLimitPerSecond", "filters");
        List<Route> routes = List.of(
                new Route("POST", "/api/subscriptions", subscriptionFields),
                new Route("PATCH", "/api/subscriptions/" + subscription, subscriptionFields),
                new Route("POST", "/api/subscriptions/" + subscription + "/replay",
                        List.of("jobId", "since", "until", "cursor")),
                new Route("POST", "/api/subscriptions/" + subscription + "/redeliver-dead", List.of("since", "cursor")),
                new Route("POST", "/api/subscriptions/" + subscription + "/rotate-secret", List.of()),
                new Route("POST", "/api/userJob", List.of("gpuNumber", "gpuType", "ckptPath", "ckptVol", "modelPath",
                        "modelVol", "imagePath", "jobType", "stopType", "stopTime", "callbackUrl", "env", "labels",
                        "runCommand")),
                new Route("POST", "/api/userJob/job_status", List.of("job_id"), UPSTREAM_TENANT),
                new Route("POST", "/api/userJob/job_del", List.of("job_id"), UPSTREAM_TENANT),
                new Route("POST", "/api/deliveries/1/redeliver", List.of()),
                new Route("POST", "/api/outbox/dead/1/resend", List.of()),
                new Route("POST", "/api/outbox/dead/resend", List.of()),
                new Route("POST", "/api/signing-secret/rotate", List.of()));
        ObjectMapper mapper = new ObjectMapper();
        try {
            for (Route route : routes) {
                for (String body : body(route.fields()).sampleStream().limit(BODIES_PER_ROUTE).toList()) {
                    int status = as(route.tenant()).body(body).request(route.method(), route.path()).then()
                            .extract().statusCode();
                    String where = route.method() + " " + route.path() + " with "
                            + (body.length() > 300 ? body.substring(0, 300) + "..." : body);
                    assertTrue(status / 100 == 2 || status / 100 == 4, status + " for " + where);
                    if (!route.fields().isEmpty() && hasNull(mapper, body)) {
                        assertEquals(422, status, where);
                    }
                }
            }
        } finally {
            as(TENANT).delete("/api/subscriptions/" + subscription);
        }
    }

    private static boolean hasNull(ObjectMapper mapper, String body) {
        try {
            return containsNull(mapper.readTree(body));
        } catch (Exception notJsonTheGatewayReads) {
            return false;
        }
    }

    private static boolean containsNull(JsonNode node) {
        if (node.isNull()) {
            return true;
        }
        for (JsonNode child : node) {
            if (containsNull(child)) {
                return true;
            }
        }
        return false;
    }

    /** A body: mostly an object of the route's fields (and others), else any JSON value, or nesting 1-3000 deep. */
    private static Arbitrary<String> body(List<String> fields) {
        Arbitrary<String> names = fields.isEmpty() ? Arbitraries.strings().ofMaxLength(8)
                : Arbitraries.frequencyOf(
                        Tuple.of(5, Arbitraries.of(fields)),
                        Tuple.of(1, Arbitraries.strings().ofMaxLength(8)));
        Arbitrary<JsonNode> object = Combinators.combine(names.list().ofMaxSize(6), value(3).list().ofSize(6))
                .as((keys, values) -> {
                    ObjectNode node = JSON.objectNode();
                    for (int i = 0; i < keys.size(); i++) {
                        node.set(keys.get(i), values.get(i));
                    }
                    return node;
                });
        Arbitrary<String> nested = Combinators.combine(Arbitraries.integers().between(1, 3000),
                Arbitraries.of("[", "{\"a\":")).as((depth, open) -> open.repeat(depth) + "1"
                + (open.equals("[") ? "]" : "}").repeat(depth));
        return Arbitraries.frequencyOf(
                Tuple.of(8, object.map(JsonNode::toString)),
                Tuple.of(2, value(3).map(JsonNode::toString)),
                Tuple.of(1, nested));
    }

    /** Any JSON value, with nulls, huge and tiny numbers, odd strings, and arrays and objects down to {@code depth}. */
    private static Arbitrary<JsonNode> value(int depth) {
        List<Arbitrary<JsonNode>> leaves = new ArrayList<>(List.of(
                Arbitraries.just(JSON.nullNode()),
                Arbitraries.of(true, false).map(JSON::booleanNode),
                Arbitraries.integers().map(JSON::numberNode),
                Arbitraries.longs().map(JSON::numberNode),
                Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(400))
                        .map(JSON::numberNode),
                Arbitraries.of(new BigDecimal("1e400"), new BigDecimal("-1e-400"), new BigDecimal("0.5"))
                        .map(JSON::numberNode),
                Arbitraries.doubles().map(JSON::numberNode),
                Arbitraries.strings().all().ofMaxLength(40).map(JSON::textNode),
                Arbitraries.of("", "succeeded", "ai.sxwl.job.failed", "http://127.0.0.1:9/x", "2026-01-01T00:00:00Z",
                        "ai1", "-1", "0", "https://[::ffff:0:a9fe:a9fe]/").map(JSON::textNode)));
        if (depth == 0) {
            return Arbitraries.oneOf(leaves);
        }
        Arbitrary<JsonNode> array = value(depth - 1).list().ofMaxSize(4).map(items -> {
            ArrayNode node = JSON.arrayNode();
            items.forEach(node::add);
            return node;
        });
        Arbitrary<JsonNode> object = Combinators.combine(Arbitraries.strings().ofMaxLength(6).list().ofMaxSize(3),
                value(depth - 1).list().ofSize(3)).as((keys, values) -> {
                    ObjectNode node = JSON.objectNode();
                    for (int i = 0; i < keys.size(); i++) {
                        node.set(keys.get(i), values.get(i));
                    }
                    return node;
                });
        List<Arbitrary<JsonNode>> all = new ArrayList<>(leaves);
        all.add(array);
        all.add(object);
        return Arbitraries.oneOf(all);
    }
}
