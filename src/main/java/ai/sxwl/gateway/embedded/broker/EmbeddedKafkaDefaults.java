package ai.sxwl.gateway.embedded.broker;

import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.Map;
import java.util.Set;

/**
 * Points the Kafka clients at the embedded broker when nobody configured {@code kafka.bootstrap.servers}. It is the
 * lowest-priority source, so any real setting wins; {@link EmbeddedKafkaLifecycle} starts the broker only when the
 * value in force came from here. Registered only in the embedded build (src/main/variants/embedded).
 */
public class EmbeddedKafkaDefaults implements ConfigSource {

    static final String NAME = "gateway-embedded-kafka-defaults";
    private static final Map<String, String> PROPERTIES =
            Map.of("kafka.bootstrap.servers", "localhost:${gateway.embedded-kafka.port:9092}");

    @Override
    public Map<String, String> getProperties() {
        return PROPERTIES;
    }

    @Override
    public Set<String> getPropertyNames() {
        return PROPERTIES.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return PROPERTIES.get(propertyName);
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public int getOrdinal() {
        return 50;
    }
}
