package ai.sxwl.gateway.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A Kafka route whose filters are broken stops the gateway at startup (TopicRouter is built then) with the property
 * and the JSON pointer of the bad part, rather than routing wrongly. Routing by good filters: EventFiltersTest.
 */
class RouteFiltersConfigTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void aRouteWithABrokenFilterFailsWithThePropertyAndThePointer() {
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> router("[{\"all\": [{\"exact\": {\"type\": \"ai.sxwl.job.failed\"}}, {\"regex\": {}}]}]"));
        assertEquals("gateway.kafka.routes.alerts.filters is not a valid filters array: /0/all/1/regex: unknown"
                + " filter dialect; supported: exact, prefix, suffix, all, any, not", failure.getMessage());
    }

    @Test
    void aRouteWhoseFiltersAreNotJsonFailsWithTheProperty() {
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> router("[{exact: }"));
        assertEquals(true, failure.getMessage().startsWith("gateway.kafka.routes.alerts.filters is not JSON: "),
                failure.getMessage());
    }

    private static TopicRouter router(String filters) {
        KafkaRoutingConfig.Route route = new KafkaRoutingConfig.Route() {
            @Override
            public String topic() {
                return "alerts";
            }

            @Override
            public Optional<Set<String>> eventTypes() {
                return Optional.empty();
            }

            @Override
            public Optional<Set<String>> tenants() {
                return Optional.empty();
            }

            @Override
            public Optional<String> filters() {
                return Optional.of(filters);
            }
        };
        KafkaRoutingConfig config = new KafkaRoutingConfig() {
            @Override
            public String topic() {
                return "sxwl.job.events";
            }

            @Override
            public String operationsTopic() {
                return "sxwl.gateway.operations";
            }

            @Override
            public Map<String, Route> routes() {
                return Map.of("alerts", route);
            }

            @Override
            public TopicCheck topicCheck() {
                return null;
            }
        };
        return new TopicRouter(config, new CloudEvents(MAPPER), MAPPER);
    }
}
