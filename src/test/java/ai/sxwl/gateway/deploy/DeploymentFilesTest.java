package ai.sxwl.gateway.deploy;

import ai.sxwl.gateway.testing.SxwlSimulator;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What ships for operators holds up against the application: docker/compose.yaml and the objects that
 * {@code kubectl kustomize k8s} renders (offline) name only real config keys, probe paths that answer, matching ports,
 * pinned images, and the security context the "restricted" Pod Security Standard demands. There is no Docker engine
 * here, so the compose file is checked, not run.
 */
@QuarkusTest
class DeploymentFilesTest {

    /** Container-level variables that are not config keys of the application. */
    private static final Set<String> NOT_CONFIG = Set.of("JAVA_OPTS");
    /** Map-valued settings: any key in place of the map key. */
    private static final List<String> MAP_PREFIXES = List.of("gateway.tenants.", "gateway.kafka.routes.");

    @Test
    void theComposeStackUsesRealSettingsPinnedImagesAndTheGeneratedSimulator() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(Path.of("docker/compose.yaml")));
        Map<String, Map<String, Object>> services = map(compose.get("services"));
        for (String name : List.of("postgres", "kafka", "sxwl-simulator", "gateway-1", "gateway-2", "proxy")) {
            assertTrue(services.containsKey(name), "service " + name);
        }
        services.forEach((name, service) -> {
            String image = (String) service.get("image");
            assertNotNull(image, name + " names its image");
            assertPinned(image);
        });
        for (String gateway : List.of("gateway-1", "gateway-2")) {
            Map<String, Object> environment = map(services.get(gateway).get("environment"));
            assertEquals(Set.of(), unknownSettings(environment.keySet()), gateway + ": every variable is a config key");
            environment.values().forEach(v -> assertFalse(String.valueOf(v).startsWith("change-me"), gateway));
            assertEquals(SxwlSimulator.PORTABLE_TOKEN, environment.get("GATEWAY_TENANTS_TEAM_UPSTREAM_TOKEN"),
                    "the token the simulator accepts");
            assertTrue(String.valueOf(environment.get("GATEWAY_UPSTREAM_BASE_URL")).startsWith("http://sxwl-simulator:"));
            Map<String, Object> build = map(services.get(gateway).get("build"));
            assertEquals("docker/Dockerfile", build.get("dockerfile"));
        }
        Map<String, Object> kafka = services.get("kafka");
        assertNotNull(kafka.get("healthcheck"), "kafka has a healthcheck");
        assertTrue(String.valueOf(kafka.get("volumes")).contains(":/var/lib/kafka/data"), "kafka keeps its data");
        assertTrue(String.valueOf(services.get("sxwl-simulator").get("volumes"))
                .contains("./sxwl-simulator/mappings:/home/wiremock/mappings"), "the generated mappings");
    }

    @Test
    void theDockerfileBuildsTheProductionVariantFromSourcesAsNonRoot() throws IOException {
        String dockerfile = Files.readString(Path.of("docker/Dockerfile"));
        assertTrue(dockerfile.contains("package -Ppostgres"), "builds -Ppostgres itself");
        assertFalse(dockerfile.contains("COPY target/") || dockerfile.contains("COPY --chown=185 target/"),
                "nothing from a local target/");
        assertTrue(dockerfile.contains("USER 185"));
        assertTrue(dockerfile.contains("HEALTHCHECK") && dockerfile.contains("/q/health/ready"));
        assertTrue(dockerfile.contains("-XX:+ExitOnOutOfMemoryError"));
        assertTrue(dockerfile.contains("$JAVA_OPTS_DEFAULTS $JAVA_OPTS"), "JAVA_OPTS adds to the defaults");
        for (String line : dockerfile.lines().filter(l -> l.startsWith("FROM ")).toList()) {
            assertPinned(line.split("\\s+")[1]);
        }
        assertTrue(Files.readString(Path.of(".dockerignore")).lines().anyMatch("target/"::equals));
    }

    @Test
    void theKustomizationRendersObjectsThatMatchTheApplication() throws Exception {
        List<Map<String, Object>> objects = kustomize();
        Map<String, Map<String, Object>> byKind = new java.util.HashMap<>();
        objects.forEach(o -> byKind.put((String) o.get("kind"), o));
        for (String kind : List.of("Namespace", "ConfigMap", "Deployment", "Service", "Ingress", "PodDisruptionBudget",
                "HorizontalPodAutoscaler", "NetworkPolicy", "ServiceMonitor", "KafkaTopic")) {
            assertTrue(byKind.containsKey(kind), kind);
        }
        assertFalse(byKind.containsKey("Secret"), "no Secret is applied from the repository");

        Map<String, Object> deployment = byKind.get("Deployment");
        Map<String, Object> spec = map(deployment.get("spec"));
        assertTrue((Integer) spec.get("replicas") >= 2);
        Map<String, Object> pod = map(map(spec.get("template")).get("spec"));
        Map<String, Object> container = map(((List<?>) pod.get("containers")).get(0));
        assertPinned((String) container.get("image"));

        // Probes: each path answers 200 on the running application, on the port the container declares.
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            Map<String, Object> httpGet = map(map(container.get(probe)).get("httpGet"));
            assertEquals("http", httpGet.get("port"), probe);
            given().get((String) httpGet.get("path")).then().statusCode(200);
        }
        Map<String, Object> port = map(((List<?>) container.get("ports")).get(0));
        assertEquals("http", port.get("name"));
        assertEquals(8080, port.get("containerPort"), "Quarkus' production port");
        Map<String, Object> servicePort = map(((List<?>) map(byKind.get("Service").get("spec")).get("ports")).get(0));
        assertEquals("http", servicePort.get("targetPort"));

        // Settings: every variable the pod gets is a real config key (the Secret's keys from the example).
        Set<String> variables = new TreeSet<>(map(byKind.get("ConfigMap").get("data")).keySet());
        Map<String, Object> example = new Yaml().load(Files.readString(Path.of("k8s/secret.example.yaml")));
        variables.addAll(map(example.get("stringData")).keySet());
        ((List<?>) container.get("env")).forEach(e -> variables.add((String) map(e).get("name")));
        assertEquals(Set.of(), unknownSettings(variables), "every variable is a config key");

        // Pod Security "restricted", and a writable /tmp on a read-only root.
        Map<String, Object> podSecurity = map(pod.get("securityContext"));
        assertEquals(true, podSecurity.get("runAsNonRoot"));
        assertEquals("RuntimeDefault", map(podSecurity.get("seccompProfile")).get("type"));
        Map<String, Object> containerSecurity = map(container.get("securityContext"));
        assertEquals(true, containerSecurity.get("readOnlyRootFilesystem"));
        assertEquals(false, containerSecurity.get("allowPrivilegeEscalation"));
        assertEquals(List.of("ALL"), map(containerSecurity.get("capabilities")).get("drop"));
        assertTrue(String.valueOf(container.get("volumeMounts")).contains("mountPath=/tmp"));
        assertTrue(String.valueOf(pod.get("volumes")).contains("emptyDir"));
        assertNotNull(pod.get("topologySpreadConstraints"));
        assertNotNull(map(map(container.get("resources")).get("limits")).get("memory"));

        // A rollout waits out the shutdown: delay (readiness down, still serving) plus the drain timeout.
        Config config = ConfigProvider.getConfig();
        Duration drain = config.getValue("quarkus.shutdown.timeout", Duration.class).plus(productionShutdownDelay());
        assertTrue((Integer) pod.get("terminationGracePeriodSeconds") > drain.toSeconds(),
                "grace period longer than " + drain);

        Map<String, Object> ingress = map(byKind.get("Ingress").get("spec"));
        assertNotNull(ingress.get("ingressClassName"));
        assertFalse(((List<?>) ingress.get("tls")).isEmpty(), "TLS");
        List<String> paths = new ArrayList<>();
        ((List<?>) ingress.get("rules")).forEach(rule -> ((List<?>) map(map(rule).get("http")).get("paths"))
                .forEach(p -> paths.add((String) map(p).get("path"))));
        assertEquals(List.of("/callbacks/"), paths, "only the callback receiver faces the internet");

        Map<String, Object> topic = map(byKind.get("KafkaTopic").get("spec"));
        assertEquals(3, topic.get("replicas"));
        assertEquals("2", map(topic.get("config")).get("min.insync.replicas"));
        assertEquals(config.getValue("gateway.kafka.topic", String.class),
                map(byKind.get("KafkaTopic").get("metadata")).get("name"));
    }

    /** The names among these environment variables that no config key of the application answers to. */
    private static Set<String> unknownSettings(Set<String> variables) {
        Set<String> known = new HashSet<>();
        List<Pattern> maps = new ArrayList<>();
        for (String name : ConfigProvider.getConfig().getPropertyNames()) {
            String key = name.replaceFirst("^%[a-z]+\\.", "");
            known.add(environmentName(key));
            MAP_PREFIXES.stream().filter(key::startsWith).forEach(prefix -> {
                String rest = key.substring(prefix.length());
                int dot = rest.indexOf('.');
                if (dot > 0) {
                    maps.add(Pattern.compile(Pattern.quote(environmentName(prefix)) + "[A-Z0-9_]+_"
                            + Pattern.quote(environmentName(rest.substring(dot + 1)))));
                }
            });
        }
        Set<String> unknown = new TreeSet<>();
        for (String variable : variables) {
            if (!NOT_CONFIG.contains(variable) && !known.contains(variable)
                    && maps.stream().noneMatch(p -> p.matcher(variable).matches())) {
                unknown.add(variable);
            }
        }
        return unknown;
    }

    /** As SmallRye Config maps a key to an environment variable. */
    private static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static Duration productionShutdownDelay() throws IOException {
        Properties variant = new Properties();
        variant.load(Files.newBufferedReader(Path.of("src/main/variants/postgres/META-INF/microprofile-config.properties"),
                StandardCharsets.UTF_8));
        return Duration.parse("PT" + variant.getProperty("quarkus.shutdown.delay").toUpperCase(Locale.ROOT));
    }

    private static void assertPinned(String image) {
        String tag = image.contains(":") ? image.substring(image.lastIndexOf(':') + 1) : "";
        assertTrue(tag.matches(".*\\d.*") && !tag.contains("latest"), "pinned by version: " + image);
    }

    private static List<Map<String, Object>> kustomize() throws IOException, InterruptedException {
        Process kubectl = new ProcessBuilder("kubectl", "kustomize", "k8s").redirectErrorStream(true).start();
        String rendered = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(kubectl.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, kubectl.exitValue(), rendered);
        List<Map<String, Object>> objects = new ArrayList<>();
        StreamSupport.stream(new Yaml().loadAll(rendered).spliterator(), false)
                .forEach(o -> objects.add(map(o)));
        return objects;
    }

    @SuppressWarnings("unchecked")
    private static <V> Map<String, V> map(Object yaml) {
        return (Map<String, V>) yaml;
    }
}
