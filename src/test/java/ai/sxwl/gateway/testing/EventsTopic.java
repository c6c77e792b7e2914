package ai.sxwl.gateway.testing;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Reads a topic from the beginning with a real KafkaConsumer, in the background, and keeps every
 * record by key, so that tests can wait for the records of their own job ids.
 */
public final class EventsTopic {

    private static final Map<String, EventsTopic> TOPICS = new ConcurrentHashMap<>();

    private final Map<String, List<ConsumerRecord<String, String>>> byKey = new ConcurrentHashMap<>();
    /** Records that do not match the published event schema, by key: a test that reads them fails. */
    private final Map<String, String> violations = new ConcurrentHashMap<>();
    private final String schemaName;
    private final Function<String, Optional<String>> schema;

    private EventsTopic(String bootstrapServers, String topic, String schemaName,
                        Function<String, Optional<String>> schema) {
        this.schemaName = schemaName;
        this.schema = schema;
        Thread poller = new Thread(() -> poll(bootstrapServers, topic), "test-consumer-" + topic);
        poller.setDaemon(true);
        poller.start();
    }

    /** The reader of this topic of this cluster, started on first use. */
    public static EventsTopic of(String bootstrapServers, String topic) {
        return TOPICS.computeIfAbsent(bootstrapServers + "/" + topic, k -> new EventsTopic(bootstrapServers, topic,
                JobEventSchema.RESOURCE, JobEventSchema::violation));
    }

    /** The reader of a topic of operational events, validated against their schema. */
    public static EventsTopic ofOperations(String bootstrapServers, String topic) {
        return TOPICS.computeIfAbsent(bootstrapServers + "/" + topic, k -> new EventsTopic(bootstrapServers, topic,
                JobEventSchema.OPERATIONAL_RESOURCE, JobEventSchema::operationalViolation));
    }

    /**
     * The records with this key so far, in the order the topic holds them. Every record read is validated against
     * the published JSON Schema of the event: reading one that does not match fails the test.
     */
    public List<ConsumerRecord<String, String>> records(String key) {
        String violation = violations.get(key);
        if (violation != null) {
            throw new AssertionError("An event of " + key + " does not match " + schemaName + ": " + violation);
        }
        return new ArrayList<>(byKey.getOrDefault(key, List.of()));
    }

    private void poll(String bootstrapServers, String topic) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, 500,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (true) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    schema.apply(record.value())
                            .ifPresent(violation -> violations.putIfAbsent(record.key(), violation));
                    byKey.computeIfAbsent(record.key(), k -> new CopyOnWriteArrayList<>()).add(record);
                }
            }
        } catch (WakeupException stopped) {
            // JVM shutting down
        }
    }
}
