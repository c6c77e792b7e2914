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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What ships for operators holds up against the application: docker/compose.yaml and the objects that
 * {@code kubectl kustomize} renders (offline) of k8s/ and of each component name only real config keys, probe paths
 * that answer, matching ports, pinned images, the security context the "restricted" Pod Security Standard demands, a
 * grace period that covers a stop, and a connection budget PostgreSQL can grant. There is no Docker engine here, so
 * the compose file is checked, not run.
 */
@QuarkusTest
class DeploymentFilesTest {

    /** Container-level variables that are not config keys of the application. */
    private static final Set<String> NOT_CONFIG = Set.of("JAVA_OPTS");
    /** Map-valued settings: any key in place of the map key. */
    private static final List<String> MAP_PREFIXES = List.of("gateway.tenants.", "gateway.kafka.routes.");
    /** quarkus.management.port in the production build (Quarkus's default once the interface is enabled). */
    private static final int MANAGEMENT_PORT = 9000;
    /** After the last deadline: the JVM's exit (shutdown hooks, the datasource's close). */
    private static final Duration EXIT_MARGIN = Duration.ofSeconds(3);

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

        // Each JVM sizes its heap from its own limit, not from the host's memory.
        services.forEach((name, service) -> assertNotNull(service.get("mem_limit"), name + " has a memory limit"));
        // The schema is migrated once, by its own role, before either replica starts; the replicas log in as the
        // role without DDL rights.
        Map<String, Object> migrate = services.get("migrate");
        assertEquals(List.of("migrate"), migrate.get("command"));
        assertEquals("sxwl_gateway_migrate", map(migrate.get("environment")).get("QUARKUS_DATASOURCE_USERNAME"));
        assertTrue(Files.readString(Path.of("k8s/database-roles.sql")).contains("CREATE ROLE sxwl_gateway_migrate"));
        for (String gateway : List.of("gateway-1", "gateway-2")) {
            Map<String, Object> service = services.get(gateway);
            assertEquals("service_completed_successfully", map(map(service.get("depends_on")).get("migrate"))
                    .get("condition"), gateway + " waits for the migration");
            assertEquals("sxwl_gateway", map(service.get("environment")).get("QUARKUS_DATASOURCE_USERNAME"));
            assertTrue(String.valueOf(map(service.get("healthcheck")).get("test")).contains("/9000 ")
                    && String.valueOf(map(service.get("healthcheck")).get("test")).contains("/q/health/ready"),
                    "healthcheck on the management port");
            Duration grace = Duration.parse("PT" + String.valueOf(service.get("stop_grace_period")).toUpperCase(Locale.ROOT));
            assertTrue(grace.compareTo(stopTakesAtMost()) >= 0,
                    gateway + ": stop_grace_period " + grace + " covers a stop, " + stopTakesAtMost());
        }
        // nginx waits until the replicas can store callbacks, and publishes nothing but the callback receiver.
        Map<String, Object> proxyDependsOn = map(services.get("proxy").get("depends_on"));
        assertEquals(Set.of("gateway-1", "gateway-2"), proxyDependsOn.keySet());
        proxyDependsOn.values().forEach(d -> assertEquals("service_healthy", map(d).get("condition")));
        String nginx = Files.readString(Path.of("docker/nginx.conf"));
        List<String> proxied = Pattern.compile("location (\\S+) \\{\\s*proxy_pass").matcher(nginx).results()
                .map(m -> m.group(1)).toList();
        assertEquals(List.of("/callbacks/"), proxied, "nginx publishes only /callbacks/");
        assertFalse(nginx.contains("limit_req"), "no rate limit before the callback receiver");
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
        // The defaults choose no collector, so that JAVA_OPTS may: two -XX:+Use...GC flags stop the JVM.
        String defaults = dockerfile.lines().filter(l -> l.contains("JAVA_OPTS_DEFAULTS=")).findFirst().orElseThrow();
        assertFalse(defaults.matches(".*-XX:\\+Use\\w+GC.*"), defaults);
        assertTrue(dockerfile.contains("HEALTHCHECK") && dockerfile.contains("/dev/tcp/127.0.0.1/" + MANAGEMENT_PORT),
                "the HEALTHCHECK asks the management port");
        for (String line : dockerfile.lines().filter(l -> l.startsWith("FROM ")).toList()) {
            assertPinned(line.split("\\s+")[1]);
        }
        assertTrue(Files.readString(Path.of(".dockerignore")).lines().anyMatch("target/"::equals));
    }

    @Test
    void theBaseRendersObjectsThatMatchTheApplicationAndAppliesToABareCluster() throws Exception {
        List<Map<String, Object>> objects = kustomize("k8s");
        Map<String, Map<String, Object>> byKind = byKind(objects);
        assertEquals(Set.of("Namespace", "ConfigMap", "Deployment", "Job", "Service", "Ingress", "PodDisruptionBudget",
                "HorizontalPodAutoscaler", "NetworkPolicy"), byKind.keySet(),
                "only built-in kinds: the base applies without the Strimzi or Prometheus Operator CRDs");
        assertFalse(byKind.containsKey("Secret"), "no Secret is applied from the repository");
        objects.forEach(o -> assertTrue(map(o.get("metadata")).get("namespace") != null
                || o.get("kind").equals("Namespace"), "names its namespace: " + o.get("kind")));

        Map<String, Object> deployment = byKind.get("Deployment");
        Map<String, Object> spec = map(deployment.get("spec"));
        assertTrue((Integer) spec.get("replicas") >= 2);
        Map<String, Object> pod = map(map(spec.get("template")).get("spec"));
        Map<String, Object> container = map(((List<?>) pod.get("containers")).get(0));
        assertPinned((String) container.get("image"));

        // Probes: each path answers 200 on the running application; in production they are on the management port.
        Map<String, Integer> ports = new HashMap<>();
        ((List<?>) container.get("ports")).forEach(p -> ports.put((String) map(p).get("name"),
                (Integer) map(p).get("containerPort")));
        assertEquals(Map.of("http", 8080, "management", MANAGEMENT_PORT), ports);
        assertEquals("true", productionSetting("quarkus.management.enabled"), "production serves /q apart");
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            Map<String, Object> httpGet = map(map(container.get(probe)).get("httpGet"));
            assertEquals("management", httpGet.get("port"), probe);
            given().get((String) httpGet.get("path")).then().statusCode(200);
        }
        Map<String, Object> servicePorts = new HashMap<>();
        ((List<?>) map(byKind.get("Service").get("spec")).get("ports"))
                .forEach(p -> servicePorts.put((String) map(p).get("name"), map(p).get("targetPort")));
        assertEquals(Map.of("http", "http", "management", "management"), servicePorts);

        // Settings: every variable the pod gets is a real config key (the Secrets' keys from the examples).
        Map<String, String> configMap = map(byKind.get("ConfigMap").get("data"));
        assertTrue(map(byKind.get("ConfigMap").get("metadata")).get("name").toString().matches("sxwl-gateway-\\w+"),
                "the ConfigMap's name carries its content's hash, so an edit rolls the pods");
        assertEquals(map(byKind.get("ConfigMap").get("metadata")).get("name"),
                map(map(((List<?>) container.get("envFrom")).get(0)).get("configMapRef")).get("name"));
        Set<String> variables = new TreeSet<>(configMap.keySet());
        for (String example : List.of("k8s/secret.example.yaml", "k8s/secret-migrate.example.yaml")) {
            Map<String, Object> secret = new Yaml().load(Files.readString(Path.of(example)));
            variables.addAll(map(secret.get("stringData")).keySet());
        }
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

        // A rollout waits out the whole stop: delay (readiness down, still serving), drain, the workers' deadline.
        int grace = (Integer) pod.get("terminationGracePeriodSeconds");
        assertTrue(Duration.ofSeconds(grace).compareTo(stopTakesAtMost()) >= 0,
                "terminationGracePeriodSeconds " + grace + " covers a stop, " + stopTakesAtMost());

        // Connection budget: every replica the HPA may run plus the rollout's surge, each with a full pool, and the
        // migration Job, within what the Deployment says PostgreSQL grants the gateway.
        int budget = Integer.parseInt(String.valueOf(map(deployment.get("metadata")).get("annotations") == null ? "0"
                : map(map(deployment.get("metadata")).get("annotations")).get("sxwl.ai/database-connection-budget")));
        int maxReplicas = (Integer) map(byKind.get("HorizontalPodAutoscaler").get("spec")).get("maxReplicas");
        int surge = (Integer) map(map(spec.get("strategy")).get("rollingUpdate")).get("maxSurge");
        int pool = Integer.parseInt(configMap.get("QUARKUS_DATASOURCE_JDBC_MAX_SIZE"));
        Map<String, Object> job = map(map(map(byKind.get("Job").get("spec")).get("template")).get("spec"));
        Map<String, Object> migrate = map(((List<?>) job.get("containers")).get(0));
        int migratePool = ((List<?>) migrate.get("env")).stream().map(DeploymentFilesTest::<Object>map)
                .filter(e -> e.get("name").equals("QUARKUS_DATASOURCE_JDBC_MAX_SIZE"))
                .mapToInt(e -> Integer.parseInt((String) e.get("value"))).findFirst().orElse(pool);
        int connections = (maxReplicas + surge) * pool + migratePool;
        assertTrue(connections <= budget, "(" + maxReplicas + " + " + surge + ") x " + pool + " + " + migratePool
                + " = " + connections + " connections, budget " + budget);

        // The migration Job: the image's command line plus "migrate", with its own role's Secret.
        assertEquals(List.of("migrate"), migrate.get("args"));
        assertEquals(container.get("image"), migrate.get("image"));
        assertTrue(String.valueOf(migrate.get("envFrom")).contains("sxwl-gateway-migrate"));
        assertFalse(String.valueOf(container.get("envFrom")).contains("sxwl-gateway-migrate"),
                "the replicas do not get the migration role");

        Map<String, Object> ingress = map(byKind.get("Ingress").get("spec"));
        assertNotNull(ingress.get("ingressClassName"));
        assertFalse(((List<?>) ingress.get("tls")).isEmpty(), "TLS");
        assertEquals(List.of("/callbacks/"), ingressPaths(byKind.get("Ingress")),
                "only the callback receiver faces the internet");
        Map<String, String> annotations = map(map(byKind.get("Ingress").get("metadata")).get("annotations"));
        assertEquals(Set.of(), annotations.keySet().stream().filter(a -> a.contains("limit-")).collect(
                Collectors.toSet()), "no per-address limit before the callback receiver");
        assertTrue(Integer.parseInt(annotations.get("nginx.ingress.kubernetes.io/proxy-read-timeout"))
                > config().getValue("gateway.callback.max-wait", Duration.class).toSeconds(), "waits for the answer");

        // The public port from the ingress controller; the management port from monitoring only.
        String policy = String.valueOf(map(byKind.get("NetworkPolicy").get("spec")).get("ingress"));
        assertTrue(policy.contains("ingress-nginx}}}], ports=[{port=http"), policy);
        assertTrue(policy.contains("monitoring}}}], ports=[{port=management"), policy);
        assertEquals(1, map(byKind.get("PodDisruptionBudget").get("spec")).get("maxUnavailable"));
    }

    @Test
    void eachComponentRendersOnTheBaseAndFitsTheApplication() throws Exception {
        Map<String, Object> base = new HashMap<>();
        kustomize("k8s").forEach(o -> base.put(o.get("kind") + "/" + map(o.get("metadata")).get("name"), o));
        Map<String, Map<String, Object>> added = new HashMap<>();
        for (String component : Kustomize.COMPONENTS) {
            for (Map<String, Object> object : objects(Kustomize.baseWith(component))) {
                String key = object.get("kind") + "/" + map(object.get("metadata")).get("name");
                if (!base.containsKey(key)) {
                    // The topics are two of a kind: named by their topic.
                    added.put(component + " " + object.get("kind") + (object.get("kind").equals("KafkaTopic")
                            ? " " + map(object.get("metadata")).get("name") : ""), object);
                }
            }
        }
        assertEquals(new TreeSet<>(List.of("strimzi-topic KafkaTopic sxwl.job.events",
                "strimzi-topic KafkaTopic sxwl.gateway.operations", "prometheus-operator ServiceMonitor",
                "prometheus-operator PrometheusRule", "tenant-access NetworkPolicy", "tenant-access Ingress",
                "egress-policy NetworkPolicy")), new TreeSet<>(added.keySet()));
        List<Map<String, Object>> everything = kustomize("k8s/overlays/everything");
        assertEquals(base.size() + added.size(), everything.size(), "overlays/everything: the base and all four");

        // The topics: in the Kafka cluster's namespace with its label, as the gateway's topic check expects them.
        Map<String, String> configMap = map(base.values().stream().map(DeploymentFilesTest::<Object>map)
                .filter(o -> o.get("kind").equals("ConfigMap")).findFirst().orElseThrow().get("data"));
        for (String name : List.of("sxwl.job.events", "sxwl.gateway.operations")) {
            Map<String, Object> topic = added.get("strimzi-topic KafkaTopic " + name);
            assertEquals("kafka.strimzi.io/v1", topic.get("apiVersion"));
            Map<String, Object> topicMeta = map(topic.get("metadata"));
            assertEquals("kafka", topicMeta.get("namespace"), "where the Topic Operator looks");
            assertNotNull(map(topicMeta.get("labels")).get("strimzi.io/cluster"));
            Map<String, Object> topicSpec = map(topic.get("spec"));
            assertEquals(3, topicSpec.get("replicas"));
            assertEquals("2", map(topicSpec.get("config")).get("min.insync.replicas"), name);
        }
        Map<String, Object> events = added.get("strimzi-topic KafkaTopic sxwl.job.events");
        assertEquals(configMap.get("GATEWAY_KAFKA_TOPIC"), map(events.get("metadata")).get("name"));
        assertEquals(String.valueOf(map(events.get("spec")).get("partitions")),
                configMap.get("GATEWAY_KAFKA_TOPIC_CHECK_MIN_PARTITIONS"));
        assertEquals(map(map(events.get("spec")).get("config")).get("min.insync.replicas"),
                configMap.get("GATEWAY_KAFKA_TOPIC_CHECK_MIN_INSYNC_REPLICAS"));
        assertEquals("sxwl.gateway.operations", configMap.get("GATEWAY_KAFKA_OPERATIONS_TOPIC"));

        // Prometheus Operator: the label kube-prometheus-stack selects on, the management port, the tested rules.
        Map<String, Object> monitor = added.get("prometheus-operator ServiceMonitor");
        assertTrue(map(map(monitor.get("metadata")).get("labels")).containsKey("release"));
        Map<String, Object> endpoint = map(((List<?>) map(monitor.get("spec")).get("endpoints")).get(0));
        assertEquals("management", endpoint.get("port"));
        assertEquals("/q/metrics", endpoint.get("path"));
        Map<String, Object> rule = added.get("prometheus-operator PrometheusRule");
        assertTrue(map(map(rule.get("metadata")).get("labels")).containsKey("release"));
        Map<String, Object> alerts = new Yaml().load(Files.readString(Path.of("docker/prometheus/alerts.yml")));
        assertEquals(alerts.get("groups"), map(rule.get("spec")).get("groups"),
                "the PrometheusRule holds the rules promtool tests");

        // Tenant access: the API, the feed and the console, to labelled namespaces; an internal Ingress.
        assertTrue(String.valueOf(added.get("tenant-access NetworkPolicy").get("spec"))
                .contains("sxwl.ai/gateway-client=true"));
        assertEquals(List.of("/api/", "/console/", "/"), ingressPaths(added.get("tenant-access Ingress")));
        // Cookies are Secure behind TLS: the ingress controllers are trusted proxies (forwarding is on by default).
        assertEquals("true", config().getValue("quarkus.http.proxy.proxy-address-forwarding", String.class));
        assertNotNull(configMap.get("QUARKUS_HTTP_PROXY_TRUSTED_PROXIES"), "the ingress controllers' addresses");

        // Egress: DNS, PostgreSQL, Kafka and the internet, never cluster-internal, private or metadata ranges.
        String egress = String.valueOf(map(added.get("egress-policy NetworkPolicy").get("spec")).get("egress"));
        for (String range : List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16",
                "100.64.0.0/10", "127.0.0.0/8", "fc00::/7", "fe80::/10", "::ffff:0:0/96", "64:ff9b::/96")) {
            assertTrue(egress.contains(range), "refuses " + range);
        }
        assertTrue(egress.contains("port=53") && egress.contains("port=5432") && egress.contains("port=9092"));
    }

    private static List<String> ingressPaths(Map<String, Object> ingress) {
        List<String> paths = new ArrayList<>();
        ((List<?>) map(ingress.get("spec")).get("rules")).forEach(rule -> ((List<?>) map(map(rule).get("http"))
                .get("paths")).forEach(p -> paths.add((String) map(p).get("path"))));
        return paths;
    }

    private static Map<String, Map<String, Object>> byKind(List<Map<String, Object>> objects) {
        Map<String, Map<String, Object>> byKind = new HashMap<>();
        objects.forEach(o -> byKind.put((String) o.get("kind"), o));
        return byKind;
    }

    private static Config config() {
        return ConfigProvider.getConfig();
    }

    /**
     * The longest a production stop takes: quarkus.shutdown.delay (readiness down, still serving), then
     * quarkus.shutdown.timeout (requests in flight), then gateway.shutdown.timeout (every background worker at once),
     * then the margin: a worker cut short at the deadline, the Kafka producer's close, the JVM's exit.
     */
    private static Duration stopTakesAtMost() throws IOException {
        Duration delay = Duration.parse("PT" + productionSetting("quarkus.shutdown.delay").toUpperCase(Locale.ROOT));
        return delay.plus(config().getValue("quarkus.shutdown.timeout", Duration.class))
                .plus(config().getValue("gateway.shutdown.timeout", Duration.class))
                .plusSeconds(1) // BackgroundShutdown.AFTER_DEADLINE
                .plusMillis(config().getValue("mp.messaging.outgoing.job-events.close-timeout", Long.class))
                .plus(EXIT_MARGIN);
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

    /** A setting of the production build's variant file (src/main/variants/postgres). */
    private static String productionSetting(String key) throws IOException {
        Properties variant = new Properties();
        variant.load(Files.newBufferedReader(Path.of("src/main/variants/postgres/META-INF/microprofile-config.properties"),
                StandardCharsets.UTF_8));
        return variant.getProperty(key);
    }

    private static void assertPinned(String image) {
        String tag = image.contains(":") ? image.substring(image.lastIndexOf(':') + 1) : "";
        assertTrue(tag.matches(".*\\d.*") && !tag.contains("latest"), "pinned by version: " + image);
    }

    private static List<Map<String, Object>> kustomize(String folder) throws IOException, InterruptedException {
        return objects(Kustomize.render(folder));
    }

    private static List<Map<String, Object>> objects(String rendered) {
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
