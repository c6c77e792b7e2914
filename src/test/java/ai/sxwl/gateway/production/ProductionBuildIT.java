package ai.sxwl.gateway.production;

import ai.sxwl.gateway.testing.GatewayProcess;
import ai.sxwl.gateway.testing.RawHttp;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 9 (1, 2a): what the production jar carries, and the settings it refuses to start with. */
class ProductionBuildIT {

    @Test
    void theProductionJarCarriesNoneOfTheEmbeddedBuildsJars() throws Exception {
        Path lib = Path.of(System.getProperty("gateway.jar")).getParent().resolve("lib/main");
        try (Stream<Path> jars = Files.list(lib)) {
            List<String> embeddedOnly = jars.map(p -> p.getFileName().toString())
                    .filter(name -> name.matches(".*(kafka_2\\.13|scala|h2-|kafka-server|kafka-metadata|kafka-raft"
                            + "|kafka-storage|log4j2-jboss|quarkus-jdbc-h2).*")).toList();
            assertEquals(List.of(), embeddedOnly);
        }
        try (Stream<Path> jars = Files.list(lib)) {
            assertTrue(jars.anyMatch(p -> p.getFileName().toString().contains("kafka-clients")), "a Kafka client");
        }
    }

    @Test
    void missingSettingsAreRefusedEachByName() throws Exception {
        GatewayProcess gateway = ProductionStack.get().replica();
        List.of("KAFKA_BOOTSTRAP_SERVERS", "GATEWAY_PUBLIC_BASE_URL", "GATEWAY_CALLBACK_SECRET",
                "GATEWAY_TENANTS_ACME_API_KEY", "GATEWAY_TENANTS_ACME_UPSTREAM_TOKEN").forEach(gateway.environment::remove);
        assertNotEquals(0, gateway.startExpectingExit(), "refused to start");
        String log = Files.readString(gateway.log());
        for (String expected : List.of("kafka.bootstrap.servers (KAFKA_BOOTSTRAP_SERVERS) is not set",
                "gateway.public-base-url (GATEWAY_PUBLIC_BASE_URL) is not set",
                "gateway.callback.secret (GATEWAY_CALLBACK_SECRET) is not set", "no tenant is configured")) {
            assertTrue(log.contains(expected), "names the setting: " + expected + "\n" + log);
        }
    }

    @Test
    void theExamplesPlaceholdersAreRefusedEachByNameWithoutShowingTheValue() throws Exception {
        String log = refusedStart(Map.of("GATEWAY_CALLBACK_SECRET",
                "change-me-to-48-random-bytes-base64-encoded-xxxxxxxx",
                "GATEWAY_TENANTS_ACME_UPSTREAM_TOKEN", "change-me-sxwl-token"));
        assertTrue(log.contains("gateway.callback.secret (GATEWAY_CALLBACK_SECRET) still holds the example's"
                + " placeholder"), log);
        assertTrue(log.contains("(GATEWAY_TENANTS_ACME_UPSTREAM_TOKEN) still holds the example's placeholder"), log);
        assertFalse(log.contains("change-me-sxwl-token"), "the value itself is not logged");
    }

    /** Issue 18 (3): a guessable API key or callback secret stops the start, named, its value not shown. */
    @Test
    void keysAndSecretsShorterThan32CharactersAreRefusedEachByName() throws Exception {
        String log = refusedStart(Map.of("GATEWAY_TENANTS_ACME_API_KEY", "acme-short-key-1234567890abcdef",
                "GATEWAY_CALLBACK_SECRET", "a-31-character-callback-secret!"));
        assertTrue(log.contains("(GATEWAY_TENANTS_ACME_API_KEY) is shorter than 32 characters"), log);
        assertTrue(log.contains("(GATEWAY_CALLBACK_SECRET) is shorter than 32 characters"), log);
        assertFalse(log.contains("acme-short-key-1234567890abcdef"), "the value itself is not logged");
    }

    /** Starts a replica with these settings changed, expecting it to refuse; its log. */
    private static String refusedStart(Map<String, String> settings) throws Exception {
        GatewayProcess gateway = ProductionStack.get().replica();
        gateway.environment.putAll(settings);
        assertNotEquals(0, gateway.startExpectingExit(), "refused to start");
        return Files.readString(gateway.log());
    }

    /** Issue 18 (4): /q/* answers on the management port only; the public port has no /q, however it is spelt. */
    @Test
    void operationsAreServedOnTheManagementPortAndNotOnThePublicOne() throws Exception {
        try (GatewayProcess gateway = ProductionStack.get().replica()) {
            gateway.start();
            for (String path : List.of("/q/health/ready", "/q/metrics", "/q/openapi")) {
                assertEquals(200, gateway.operations(path), path + " on the management port");
                assertEquals(404, gateway.get(path, null), path + " on the public port");
            }
            for (String trick : List.of("/callbacks/%2e%2e/q/metrics", "/callbacks/..%2fq/openapi",
                    "/callbacks/%2e%2e/api/jobs")) {
                assertEquals(400, RawHttp.send(gateway.httpPort, "GET", trick, null,
                        "Authorization: Bearer " + ProductionStack.API_KEY).status(), trick);
            }
        }
    }
}
