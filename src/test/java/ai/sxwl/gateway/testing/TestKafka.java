package ai.sxwl.gateway.testing;

import ai.sxwl.gateway.embedded.broker.KafkaBroker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One real broker for the whole test JVM, started on first use. Tests that need Kafka down stop and restart it on
 * the same port and log folder, so the application's clients reconnect to it as to a recovered cluster.
 */
public final class TestKafka {

    private static KafkaBroker broker;
    private static Path logDir;
    private static int port;

    private TestKafka() {
    }

    public static synchronized String bootstrapServers() {
        if (broker == null) {
            try {
                logDir = Files.createTempDirectory("gateway-test-kafka");
                try (ServerSocket socket = new ServerSocket(0)) {
                    port = socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            broker = KafkaBroker.start(logDir, port);
            Runtime.getRuntime().addShutdownHook(new Thread(TestKafka::stop));
        }
        return broker.bootstrapServers();
    }

    /** A reader of this topic of the test broker. */
    public static EventsTopic topic(String name) {
        return EventsTopic.of(bootstrapServers(), name);
    }

    /** A reader of a topic of operational events of the test broker. */
    public static EventsTopic operationsTopic(String name) {
        return EventsTopic.ofOperations(bootstrapServers(), name);
    }

    public static synchronized void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    public static synchronized void restart() {
        if (broker == null) {
            broker = KafkaBroker.start(logDir, port);
        }
    }
}
