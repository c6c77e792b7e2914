package ai.sxwl.gateway.production;

import ai.sxwl.gateway.testing.Api;
import ai.sxwl.gateway.testing.EventsTopic;
import ai.sxwl.gateway.testing.GatewayProcess;
import ai.sxwl.gateway.testing.KafkaProcess;
import ai.sxwl.gateway.testing.SxwlSimulator;
import ai.sxwl.gateway.testing.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the production build runs on, for the whole test JVM: PostgreSQL (a database of its own, reached
 * through a {@link TcpProxy} the tests can cut), a Kafka broker as its own process, the SXWL simulator and a webhook
 * receiver; and replicas of the packaged {@code -Ppostgres} jar configured as an operator configures them, with
 * environment variables only.
 */
final class ProductionStack {

    /** {@code -Dproduction.full=true}: the outages at the lengths of the README's results table. */
    static final boolean FULL = Boolean.getBoolean("production.full");
    static final String TENANT = "acme";
    static final String API_KEY = Api.API_KEYS.get(TENANT);
    static final String TOPIC = "sxwl.job.events";
    static final ObjectMapper JSON = new ObjectMapper();
    static final String DATABASE = TestDatabase.create("sxwl_gateway_prod_test");
    private static ProductionStack stack;

    final KafkaProcess kafka;
    final TcpProxy database;
    final WireMockServer receiver;
    final EventsTopic events;

    private ProductionStack() throws IOException, InterruptedException {
        kafka = KafkaProcess.start();
        database = new TcpProxy("127.0.0.1", 5432);
        receiver = new WireMockServer(options().dynamicPort());
        receiver.start();
        // A receiver that takes a while, so that two attempts of one delivery at once would overlap visibly.
        receiver.stubFor(post(urlEqualTo("/hook")).willReturn(aResponse().withStatus(204).withFixedDelay(100)));
        SxwlSimulator.server();
        events = EventsTopic.of(kafka.bootstrapServers(), TOPIC);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                kafka.close();
                database.close();
            } catch (Exception ignored) {
                // the JVM is exiting
            }
            receiver.stop();
        }));
    }

    static synchronized ProductionStack get() throws Exception {
        if (stack == null) {
            stack = new ProductionStack();
        }
        return stack;
    }

    /** A replica of the production jar, configured the way docker/ and k8s/ configure it; not yet started. */
    GatewayProcess replica() throws IOException {
        // C1 only: a quicker start on the 2-core machine, where several JVMs share the cores.
        return configured(new GatewayProcess("-Xmx384m", "-XX:TieredStopAtLevel=1"));
    }

    /**
     * A replica started by exactly the command line docker/Dockerfile gives the container (its ENTRYPOINT, CMD and
     * ENV, read from the file), with these JAVA_OPTS, and configured like {@link #replica()}.
     */
    GatewayProcess containerReplica(String javaOpts) throws IOException {
        ContainerImage image = ContainerImage.read();
        GatewayProcess replica = GatewayProcess.withCommandLine(image.commandLine());
        replica.environment.putAll(image.environment());
        replica.environment.put("JAVA_OPTS", javaOpts);
        return configured(replica);
    }

    private GatewayProcess configured(GatewayProcess replica) {
        replica.withManagementInterface();
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_DATASOURCE_JDBC_URL", TestDatabase.jdbcUrl(database.port(), DATABASE));
        env.put("QUARKUS_DATASOURCE_USERNAME", "sxwl");
        env.put("QUARKUS_DATASOURCE_PASSWORD", "sxwl");
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("GATEWAY_PUBLIC_BASE_URL", "http://localhost:" + replica.httpPort);
        env.put("GATEWAY_CALLBACK_SECRET", "production-test-secret-7c1e0b9a44d2f6e8a3b5c7d9e1f3a5b7");
        env.put("GATEWAY_TENANTS_ACME_API_KEY", API_KEY);
        env.put("GATEWAY_TENANTS_ACME_UPSTREAM_TOKEN", SxwlSimulator.TENANT_TOKENS.get(TENANT));
        env.put("GATEWAY_CALLBACK_UNTOKENED_TENANT", TENANT);
        env.put("GATEWAY_UPSTREAM_BASE_URL", SxwlSimulator.baseUrl());
        // Test speed: seconds instead of minutes.
        env.put("GATEWAY_UPSTREAM_CONNECT_TIMEOUT", "1s"); // and so a lease of 6 s instead of 70
        env.put("GATEWAY_UPSTREAM_READ_TIMEOUT", "2s");
        env.put("GATEWAY_RECONCILE_INITIAL_DELAY", "1s");
        env.put("GATEWAY_RECONCILE_MAX_INTERVAL", "3s");
        env.put("GATEWAY_RECONCILE_MAX_CALLS_PER_SECOND", "100");
        env.put("GATEWAY_RECONCILE_MAX_IN_FLIGHT", "16");
        env.put("GATEWAY_OUTBOX_POLL_INTERVAL", "200ms");
        env.put("GATEWAY_OUTBOX_MAX_BACKOFF", "2s");
        env.put("GATEWAY_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", "true");
        env.put("GATEWAY_WEBHOOKS_RETRY_SCHEDULE", "300ms,600ms,1s,2s,3s,5s,5s,5s");
        env.put("GATEWAY_WEBHOOKS_TIMEOUT", "2s");
        env.put("QUARKUS_SHUTDOWN_DELAY", "2s");
        env.put("QUARKUS_SHUTDOWN_TIMEOUT", "5s");
        env.put("QUARKUS_DATASOURCE_JDBC_ACQUISITION_TIMEOUT", "2s");
        env.put("GATEWAY_CALLBACK_MAX_WAIT", "2s"); // a callback waits for the database no longer than for a connection
        replica.environment.putAll(env);
        return replica;
    }

    String receiverUrl() {
        return "http://localhost:" + receiver.port() + "/hook";
    }

    /** The CloudEvents on the topic about this job, in topic order. */
    List<JsonNode> eventsOf(String jobId) {
        return events.records(jobId).stream().map(ConsumerRecord::value).map(ProductionStack::parse).toList();
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Every acknowledged request's outcome reaches the topic (within two minutes), and each of those jobs' events
     * carry the sequence numbers 1, 2, 3 … with no gap (a record sent twice after a crash repeats its number).
     */
    void assertEveryOutcomePublished(List<Load.Sent> acknowledged) {
        long started = System.nanoTime();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            List<String> missing = acknowledged.stream()
                    .filter(s -> eventsOf(s.jobId()).stream()
                            .noneMatch(e -> e.path("type").asText().equals(Load.expectedType(s))))
                    .map(Load.Sent::jobId).toList();
            assertEquals(List.of(), missing.subList(0, Math.min(5, missing.size())),
                    missing.size() + " of " + acknowledged.size() + " acknowledged outcomes are not on the topic");
        });
        System.out.printf("  all %d acknowledged outcomes on the topic after %d ms more%n", acknowledged.size(),
                (System.nanoTime() - started) / 1_000_000);
        for (Load.Sent sent : acknowledged) {
            List<Long> sequences = eventsOf(sent.jobId()).stream().map(e -> e.path("sequence").asLong())
                    .distinct().sorted().toList();
            assertEquals(LongStream.rangeClosed(1, sequences.size()).boxed().toList(), sequences,
                    "gapless sequence of " + sent.jobId());
        }
    }
}
