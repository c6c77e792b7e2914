package ai.sxwl.gateway.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

import java.util.Map;

/** Points every test application at the shared test broker (one application start for the whole suite). */
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", TestKafka.bootstrapServers());
    }

    @Override
    public void stop() {
        // The broker outlives application restarts; it stops with the JVM.
    }
}
