package ai.sxwl.gateway.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

import java.util.Map;

/**
 * Points every test application at the shared test broker and the SXWL simulator (one application start for the
 * whole suite).
 */
@WithTestResource(value = TestServices.class, scope = TestResourceScope.GLOBAL)
public class TestServices implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", TestKafka.bootstrapServers(),
                "gateway.upstream.base-url", SxwlSimulator.baseUrl());
    }

    @Override
    public void stop() {
        // The broker outlives application restarts; it stops with the JVM.
    }
}
