package ai.sxwl.gateway.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped alert rules (docker/prometheus/alerts.yml, the same groups as the PrometheusRule) and the Grafana
 * dashboard are proven with Prometheus's own tool: {@code promtool check rules}, {@code promtool test rules} with a
 * quiet and a firing case for every alert, and {@code promtool check metrics} on this application's /q/metrics, in
 * which every metric the rules and the dashboard name must exist. promtool comes from Debian's prometheus package
 * (scripts/test-setup.sh).
 */
@QuarkusTest
class MonitoringFilesTest {

    private static final Path RULES = Path.of("docker/prometheus/alerts.yml");
    private static final Path RULE_TESTS = Path.of("src/test/resources/prometheus/alerts-test.yml");
    private static final Path DASHBOARD = Path.of("docker/grafana/dashboards/sxwl-gateway.json");
    /** PromQL words that are not metric names. */
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "and", "or", "unless", "bool", "offset", "le", "inf");

    @Test
    void theAlertRulesPassPromtoolAndEveryAlertIsTestedFiringAndQuiet() throws Exception {
        assertEquals("", promtool(null, "check", "rules", RULES.toString()).problems());
        assertEquals("", promtool(null, "test", "rules", RULE_TESTS.toString()).problems());

        Map<String, Set<Boolean>> tested = new HashMap<>();
        Map<String, Object> tests = new Yaml().load(Files.readString(RULE_TESTS));
        for (Object test : (List<?>) tests.get("tests")) {
            for (Object check : (List<?>) map(test).get("alert_rule_test")) {
                tested.computeIfAbsent((String) map(check).get("alertname"), k -> new TreeSet<>())
                        .add(!((List<?>) map(check).get("exp_alerts")).isEmpty());
            }
        }
        for (String alert : alerts().keySet()) {
            assertEquals(Set.of(false, true), tested.get(alert), alert + " is tested quiet and firing");
        }
    }

    @Test
    void everyMetricTheRulesAndTheDashboardNameIsExportedAndTheExportPassesPromtool() throws Exception {
        // A callback (refused: not JSON) and an API call, so that the HTTP server's series exist.
        given().contentType("application/json").body("[").post("/callbacks/sxwl").then().statusCode(400);
        // The Prometheus text format, which promtool reads (a bare Accept gets OpenMetrics from Quarkus).
        // After the first refresh of the gauges read from the database (every 15 s).
        String metrics = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(
                () -> given().accept("text/plain; version=0.0.4").get("/q/metrics").then().statusCode(200)
                        .extract().asString(), m -> m.contains("gateway_webhook_deliveries_dead{"));
        Files.writeString(Path.of("target/q-metrics.txt"), metrics); // what promtool read, to look at when it fails
        String problems = promtool(metrics, "check", "metrics").problems();
        Matcher line = Pattern.compile("line (\\d+)").matcher(problems);
        assertFalse(problems.contains("error while linting"), "the export parses" + (line.find()
                ? ", not at: " + metrics.lines().skip(Long.parseLong(line.group(1)) - 1).findFirst().orElse("") : ""));
        // Lint findings: none on the gateway's own metrics. The libraries name theirs themselves (the Kafka client's
        // "_ns" and "_count", Netty's and Vert.x's gauges without help); they are exported as named, and listed here.
        List<String> findings = problems.lines().filter(l -> !l.isBlank()).toList();
        List<String> ours = findings.stream().filter(l -> l.startsWith("gateway_")).toList();
        System.out.printf("promtool check metrics: %d findings, none on gateway_*:%n%s%n", findings.size(),
                String.join("\n", findings));
        assertEquals(List.of(), ours, "promtool check metrics on the gateway's own metrics");

        Set<String> exported = new TreeSet<>();
        Matcher sample = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]").matcher(metrics);
        while (sample.find()) {
            exported.add(sample.group(1));
        }
        Map<String, String> expressions = new HashMap<>();
        alerts().forEach((alert, expr) -> expressions.put("alert " + alert, expr));
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                expressions.put("panel '" + panel.path("title").asText() + "' " + target.path("refId").asText(),
                        target.path("expr").asText());
            }
        }
        assertTrue(expressions.size() > 20, "the rules and the dashboard's panels");
        List<String> missing = new ArrayList<>();
        expressions.forEach((where, expr) -> metricNames(expr).stream().filter(m -> !exported.contains(m))
                .forEach(m -> missing.add(where + ": " + m)));
        assertEquals(List.of(), missing, "named but not exported");

        // The latency alert's quantile needs the bucket at its bound; the database's gauges say to use max.
        assertTrue(metrics.contains("http_server_requests_seconds_bucket{") && metrics.contains("le=\"0.25\""),
                "a 250 ms bucket edge");
        for (String gauge : List.of("gateway_outbox_lag_seconds", "gateway_webhook_backlog_seconds",
                "gateway_webhook_deliveries_dead", "gateway_webhook_deliveries_pending",
                "gateway_webhook_endpoints_disabled")) {
            assertTrue(Pattern.compile("(?m)^# HELP " + gauge + " .*aggregate with max").matcher(metrics).find(),
                    gauge + "'s help says to aggregate with max");
            expressions.values().stream().filter(e -> e.contains(gauge))
                    .forEach(e -> assertTrue(e.contains("max(" + gauge) || e.contains("max by (subscription) (" + gauge),
                            "aggregated with max: " + e));
        }
    }

    /** The metric names in a PromQL expression: identifiers outside label matchers, not functions or keywords. */
    static Set<String> metricNames(String expr) {
        String bare = expr.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ")
                .replaceAll("(by|without|on|ignoring)\\s*\\([^)]*\\)", " ").replaceAll("\"[^\"]*\"", " ");
        Set<String> names = new TreeSet<>();
        Matcher token = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?").matcher(bare);
        while (token.find()) {
            if (token.group(2) == null && !KEYWORDS.contains(token.group(1).toLowerCase())) {
                names.add(token.group(1));
            }
        }
        return names;
    }

    private static Map<String, String> alerts() throws IOException {
        Map<String, String> alerts = new HashMap<>();
        Map<String, Object> rules = new Yaml().load(Files.readString(RULES));
        for (Object group : (List<?>) rules.get("groups")) {
            for (Object rule : (List<?>) map(group).get("rules")) {
                alerts.put((String) map(rule).get("alert"), (String) map(rule).get("expr"));
            }
        }
        return alerts;
    }

    private record Run(int exit, String output) {
        /** Empty when promtool passed; else what it said. */
        String problems() {
            return exit == 0 ? "" : output;
        }
    }

    private static Run promtool(String stdin, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (stdin != null) {
            process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "promtool ended");
        return new Run(process.exitValue(), output);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object yaml) {
        return (Map<String, Object>) yaml;
    }
}
