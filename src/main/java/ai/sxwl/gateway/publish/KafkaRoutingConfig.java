package ai.sxwl.gateway.publish;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Which topics the job events go to. */
@ConfigMapping(prefix = "gateway.kafka")
public interface KafkaRoutingConfig {

    /** The topic that receives every event. */
    @WithDefault("sxwl.job.events")
    String topic();

    /**
     * Extra routes by name, e.g. {@code gateway.kafka.routes.registry.topic=models} with
     * {@code gateway.kafka.routes.registry.event-types=succeeded}: a copy of each matching event goes to that topic.
     */
    Map<String, Route> routes();

    interface Route {
        String topic();

        /** Event types (short {@code succeeded} or full {@code ai.sxwl.job.succeeded}); absent = all. */
        Optional<Set<String>> eventTypes();

        /** Tenants; absent = all. */
        Optional<Set<String>> tenants();
    }
}
