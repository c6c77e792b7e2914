import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Prints the records of a topic from the beginning: the quickest way to see the gateway's events without a Kafka
 * installation. Run it with the packaged gateway's libraries (see README):
 *
 *   java -cp "target/quarkus-app/lib/main/*" scripts/TailEvents.java [bootstrap servers] [topic] [seconds]
 */
public class TailEvents {

    public static void main(String[] args) {
        String servers = args.length > 0 ? args[0] : "localhost:9092";
        String topic = args.length > 1 ? args[1] : "sxwl.job.events";
        Duration runFor = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 5);
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                ConsumerConfig.GROUP_ID_CONFIG, "tail-events-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Instant end = Instant.now().plus(runFor);
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (Instant.now().isBefore(end)) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    System.out.printf("%s-%d@%d key=%s%n%s%n", record.topic(), record.partition(), record.offset(),
                            record.key(), record.value());
                }
            }
        }
    }
}
