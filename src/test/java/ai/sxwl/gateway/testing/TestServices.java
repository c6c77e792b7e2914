package ai.sxwl.gateway.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

import java.nio.file.Path;
import java.util.Map;

/**
 * Points every test application at the shared test broker, the SXWL simulator, a database of this run's own, a
 * free HTTP port and a log file of its own (one application start for the whole suite; two test JVMs, of one run or
 * of two, never collide).
 */
@WithTestResource(value = TestServices.class, scope = TestResourceScope.GLOBAL)
public class TestServices implements QuarkusTestResourceLifecycleManager {

    private static final String DATABASE = TestDatabase.create("sxwl_gateway_test");
    private static final int HTTP_PORT = GatewayProcess.freePort();
    private static final Path LOG_FILE = Path.of("target", "gateway-test-" + ProcessHandle.current().pid() + ".log");

    /** This JVM's test application log (JSON lines, %test.quarkus.log.file.json.enabled). */
    public static Path logFile() {
        return LOG_FILE;
    }

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", TestKafka.bootstrapServers(),
                "gateway.upstream.base-url", SxwlSimulator.baseUrl(),
                "quarkus.datasource.jdbc.url", TestDatabase.jdbcUrl(DATABASE),
                "quarkus.http.test-port", Integer.toString(HTTP_PORT),
                "gateway.public-base-url", "http://localhost:" + HTTP_PORT,
                "quarkus.log.file.path", LOG_FILE.toString());
    }

    @Override
    public void stop() {
        // The broker outlives application restarts; it stops with the JVM.
    }
}
