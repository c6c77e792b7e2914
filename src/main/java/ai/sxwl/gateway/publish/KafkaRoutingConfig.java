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
     * The topic of the tenants' operational events (a subscription disabled or enabled, a delivery dead), keyed by
     * the subscription id: apart from the job events, so that a job-event consumer never sees them.
     */
    @WithDefault("sxwl.gateway.operations")
    String operationsTopic();

    /**
     * Extra routes by name, e.g. {@code gateway.kafka.routes.registry.topic=models} with
     * {@code gateway.kafka.routes.registry.event-types=succeeded}: a copy of each matching event goes to that topic.
     */
    Map<String, Route> routes();

    /**
     * What the events topic must have at least (the topic the deployment's KafkaTopic declares). A topic with less,
     * for example one the producer auto-created with the broker's defaults, is reported in the dependencies health
     * group and logged; readiness does not change.
     */
    TopicCheck topicCheck();

    interface TopicCheck {
        @WithDefault("1")
        int minPartitions();

        @WithDefault("1")
        int minInsyncReplicas();
    }

    interface Route {
        String topic();

        /** Event types (short {@code succeeded} or full {@code ai.sxwl.job.succeeded}); absent = all. */
        Optional<Set<String>> eventTypes();

        /** Tenants; absent = all. */
        Optional<Set<String>> tenants();

        /**
         * A JSON array of filters in the CloudEvents Subscriptions API's dialects (README, "Event filters"), e.g.
         * {@code [{"exact":{"labels.team":"vision"}}]}; absent = all. They AND with the event types and tenants.
         */
        Optional<String> filters();
    }
}
