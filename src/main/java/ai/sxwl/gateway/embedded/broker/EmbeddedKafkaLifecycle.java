package ai.sxwl.gateway.embedded.broker;

import ai.sxwl.gateway.settings.GatewayConfig;
import ai.sxwl.gateway.embedded.DataFolder;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.SmallRyeConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Starts the in-process broker before the messaging clients connect, and stops it only after they are closed (the
 * Kafka connector closes its clients at priority 50 of the same event), so that the next start does not wait out a
 * stale consumer-group member.
 */
@ApplicationScoped
public class EmbeddedKafkaLifecycle {

    private static final Logger LOG = Logger.getLogger(EmbeddedKafkaLifecycle.class);

    private final SmallRyeConfig config;
    private final DataFolder dataFolder;
    private final boolean embedded;
    private final int port;
    private KafkaBroker broker;

    EmbeddedKafkaLifecycle(SmallRyeConfig config, DataFolder dataFolder, GatewayConfig gateway) {
        this.config = config;
        this.dataFolder = dataFolder;
        this.embedded = gateway.embedded();
        this.port = gateway.embeddedKafka().port();
    }

    void start(@Observes @Priority(1) StartupEvent event) {
        ConfigValue bootstrap = config.getConfigValue("kafka.bootstrap.servers");
        if (!embedded || !EmbeddedKafkaDefaults.NAME.equals(bootstrap.getSourceName())) {
            return;
        }
        long started = System.nanoTime();
        broker = KafkaBroker.start(dataFolder.folder("kafka"), port);
        LOG.infof("Embedded Kafka broker listening on %s (started in %d ms); set kafka.bootstrap.servers to use a"
                + " cluster instead", broker.bootstrapServers(), (System.nanoTime() - started) / 1_000_000);
    }

    void stop(@Observes @Priority(1000) @BeforeDestroyed(ApplicationScoped.class) Object event) {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
