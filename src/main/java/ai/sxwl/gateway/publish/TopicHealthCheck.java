package ai.sxwl.gateway.publish;

import ai.sxwl.gateway.observability.DependencyHealth;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether the events topic has the partitions and {@code min.insync.replicas} the deployment declares
 * ({@code gateway.kafka.topic-check.*}). A topic created by the producer with the broker's defaults (one partition,
 * one in-sync replica) works, but loses acknowledged events with one broker and caps consumers at one: reported in
 * the dependencies group and logged once per finding, never in readiness. A setting the gateway may not read
 * (no describe permission) is reported as unknown, not as a fault.
 */
@HealthGroup(DependencyHealth.GROUP)
@ApplicationScoped
public class TopicHealthCheck implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(TopicHealthCheck.class);
    private static final String NAME = "kafka-topic";
    private static final int TIMEOUT_MS = 3000;

    private final KafkaHealthCheck kafka;
    private final KafkaRoutingConfig config;
    /** The last finding logged, so that each health poll does not log it again. */
    private final AtomicReference<List<String>> logged = new AtomicReference<>(List.of());

    TopicHealthCheck(@HealthGroup(DependencyHealth.GROUP) KafkaHealthCheck kafka, KafkaRoutingConfig config) {
        this.kafka = kafka;
        this.config = config;
    }

    /** The finding goes to the log at start, whether or not anything asks for the health group. */
    void start(@Observes StartupEvent event) {
        CompletableFuture.runAsync(this::call);
    }

    @Override
    public HealthCheckResponse call() {
        return check(config.topic(), config.topicCheck().minPartitions(), config.topicCheck().minInsyncReplicas());
    }

    HealthCheckResponse check(String topic, int minPartitions, int minInsyncReplicas) {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).withData("topic", topic)
                .withData("minPartitions", minPartitions).withData("minInsyncReplicas", minInsyncReplicas);
        List<String> shortfalls = new ArrayList<>();
        try {
            TopicDescription description = kafka.admin()
                    .describeTopics(Set.of(topic), new DescribeTopicsOptions().timeoutMs(TIMEOUT_MS))
                    .allTopicNames().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).get(topic);
            int partitions = description.partitions().size();
            response.withData("partitions", partitions);
            if (partitions < minPartitions) {
                shortfalls.add(partitions + " partitions, fewer than " + minPartitions);
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config topicConfig = kafka.admin()
                    .describeConfigs(Set.of(resource), new DescribeConfigsOptions().timeoutMs(TIMEOUT_MS))
                    .all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).get(resource);
            int minIsr = Integer.parseInt(topicConfig.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value());
            response.withData("minInsyncReplicasOfTopic", minIsr);
            if (minIsr < minInsyncReplicas) {
                shortfalls.add("min.insync.replicas " + minIsr + ", lower than " + minInsyncReplicas);
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException && (minPartitions > 1 || minInsyncReplicas > 1)) {
                shortfalls.add("does not exist: the first event would create it with the broker's defaults");
            } else if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                // Not readable here (no permission, or Kafka down, which the kafka check reports): not a finding.
                return response.up().withData("unknown", e.getCause().getClass().getSimpleName()).build();
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return response.up().withData("unknown", e.getClass().getSimpleName()).build();
        }
        List<String> before = logged.getAndSet(shortfalls);
        if (!shortfalls.isEmpty() && !shortfalls.equals(before)) {
            LOG.warnf("Kafka topic %s: %s (gateway.kafka.topic-check); create it as the deployment's KafkaTopic"
                    + " declares, or acknowledged events may be lost with one broker", topic, String.join("; ", shortfalls));
        }
        return shortfalls.isEmpty() ? response.up().build()
                : response.down().withData("problem", String.join("; ", shortfalls)).build();
    }
}
