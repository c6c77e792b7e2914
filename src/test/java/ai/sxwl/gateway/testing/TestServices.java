package ai.sxwl.gateway.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

import java.util.Map;

/**
 * Points every test application at the shared test broker, the SXWL simulator, a database of this run's own and a
 * free HTTP port (one application start for the whole suite; two runs on one machine never collide).
 */
@WithTestResource(value = TestServices.class, scope = TestResourceScope.GLOBAL)
public class TestServices implements QuarkusTestResourceLifecycleManager {

    private static final String DATABASE = TestDatabase.create("sxwl_gateway_test");
    private static final int HTTP_PORT = GatewayProcess.freePort();

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", TestKafka.bootstrapServers(),
                "gateway.upstream.base-url", SxwlSimulator.baseUrl(),
                "quarkus.datasource.jdbc.url", TestDatabase.jdbcUrl(DATABASE),
                "quarkus.http.test-port", Integer.toString(HTTP_PORT),
                "gateway.public-base-url", "http://localhost:" + HTTP_PORT);
    }

    @Override
    public void stop() {
        // The broker outlives application restarts; it stops with the JVM.
    }
}
