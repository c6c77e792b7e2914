package ai.sxwl.gateway.production;

import ai.sxwl.gateway.testing.GatewayProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9 (3), issue 19 (1): SIGTERM as a rollout sends it, under load, to the jar started by exactly the container
 * image's command line as shipped (docker/Dockerfile's ENTRYPOINT and ENV, read from the file). Readiness goes down
 * first while requests are still served, the background work stops, and nothing acknowledged is lost.
 */
class GracefulShutdownIT {

    /** Long enough that readiness is seen down and requests are served after it on a busy machine too. */
    private static final String SHUTDOWN_DELAY = "5s";

    @Test
    void sigtermUnderLoadTakesReadinessDownFirstAndLosesNoAcknowledgedCallback() throws Exception {
        ProductionStack stack = ProductionStack.get();
        ContainerImage image = ContainerImage.read();
        try (GatewayProcess gateway = stack.containerReplica(image.environment().get("JAVA_OPTS"))) {
            gateway.environment.put("QUARKUS_SHUTDOWN_DELAY", SHUTDOWN_DELAY);
            gateway.start(); // the image as shipped becomes ready
            Load traffic = new Load(List.of(gateway), 4, Load.Kind.UNTOKENED_CALLBACK, Load.Kind.SUBMIT_CALLED_BACK);
            traffic.awaitAcknowledged(20);
            long terminated = System.nanoTime();
            gateway.terminate();
            // In this order: readiness down, then callbacks still taken, then the exit. No clock: the process's own
            // exit ends each wait, and a wait that outlives it fails.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
                assertFalse(gateway.exited(), "the gateway exited before its readiness reported it going");
                return gateway.operations("/q/health/ready") == 503;
            });
            long readinessDown = System.nanoTime();
            assertTrue(gateway.awaitExit(Duration.ofSeconds(60)), "stopped within the shutdown timeout");
            long exited = System.nanoTime();
            traffic.close();
            assertTrue(traffic.sent.stream().anyMatch(s -> s.startedNanos() > readinessDown && s.acknowledged()),
                    "callbacks were still taken after readiness went down");

            // A request that got in before the signal was answered (no reset connection, no lost answer).
            List<Load.Sent> cutOff = traffic.sent.stream()
                    .filter(s -> s.startedNanos() < terminated && s.failure() != null).toList();
            System.out.printf("SIGTERM under load: %d requests before it, %d answered during the %d ms the shutdown"
                            + " took; %d cut off%n",
                    traffic.sent.stream().filter(s -> s.startedNanos() < terminated).count(),
                    traffic.sent.stream().filter(s -> s.startedNanos() >= terminated && s.acknowledged()).count(),
                    (exited - terminated) / 1_000_000, cutOff.size());
            assertEquals(List.of(), cutOff);

            // Whatever was stored but not yet published goes out once the gateway runs again.
            gateway.start();
            stack.assertEveryOutcomePublished(traffic.acknowledged());
        }
    }
}
