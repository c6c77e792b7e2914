package ai.sxwl.gateway.production;

import ai.sxwl.gateway.testing.GatewayProcess;
import ai.sxwl.gateway.testing.SxwlSimulator;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9 (3), issue 19 (1, 7): SIGTERM as a rollout sends it, to the jar started by exactly the container image's
 * command line (docker/Dockerfile's ENTRYPOINT and ENV): as shipped under load, and with the README's JAVA_OPTS
 * while Kafka and SXWL are unreachable. Readiness goes down first while requests are still served, the background
 * work stops within its deadline, and nothing acknowledged is lost.
 */
class GracefulShutdownIT {

    /** Long enough that readiness is seen down and requests are served after it on a busy machine too. */
    private static final String SHUTDOWN_DELAY = "3s";
    /** After the last deadline: a worker cut short, the producer's close (2 s), the JVM's exit. */
    private static final Duration STOP_MARGIN = Duration.ofSeconds(6);

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

    @Test
    void sigtermWhileKafkaAndSxwlAreUnreachableStopsWithinItsBudgetAndLosesNothingAcknowledged() throws Exception {
        ProductionStack stack = ProductionStack.get();
        String javaOpts = ContainerImage.recommendedJavaOpts();
        assertTrue(javaOpts.contains("-XX:+Use"), "the README recommends a collector: " + javaOpts);
        // SXWL as a black hole: the kernel accepts the connections, nothing ever answers.
        try (ServerSocket blackHole = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
             GatewayProcess gateway = stack.containerReplica(javaOpts)) {
            gateway.environment.put("GATEWAY_UPSTREAM_BASE_URL", "http://127.0.0.1:" + blackHole.getLocalPort() + "/api");
            // Production's timeouts, so that a poll in flight outlasts any stop budget.
            gateway.environment.put("GATEWAY_UPSTREAM_CONNECT_TIMEOUT", "5s");
            gateway.environment.put("GATEWAY_UPSTREAM_READ_TIMEOUT", "30s");
            gateway.environment.put("GATEWAY_SHUTDOWN_TIMEOUT", "5s");
            // Callbacks applied without a poll, so that their changes wait in the outbox for Kafka.
            gateway.environment.put("GATEWAY_CALLBACK_TRUST_UNTOKENED", "true");
            gateway.start(); // the image's command line with the README's JAVA_OPTS becomes ready
            String commandLine = Files.readString(Path.of("/proc", String.valueOf(gateway.pid()), "cmdline"),
                    StandardCharsets.UTF_8);
            assertTrue(Arrays.asList(commandLine.split("\0")).containsAll(List.of(javaOpts.split("\\s+"))),
                    "the README's flags reached the JVM: " + commandLine.replace('\0', ' '));

            stack.kafka.stop();
            List<Load.Sent> acknowledged;
            long terminated;
            try {
                // Running jobs, which the reconciler polls: each poll waits on the black hole.
                for (String jobId : SxwlSimulator.openJobs(8)) {
                    assertEquals(200, gateway.post("/callbacks/sxwl",
                            "{\"jobId\":\"" + jobId + "\",\"status\":\"working\",\"url\":\"\"}", null));
                }
                Load traffic = new Load(List.of(gateway), 4, Load.Kind.UNTOKENED_CALLBACK);
                // Work in hand everywhere: polls waiting on SXWL, the relay on Kafka, callbacks stored.
                traffic.awaitAcknowledged(20);
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() ->
                        metric(gateway, "gateway_reconcile_in_flight") > 0
                                && metric(gateway, "gateway_outbox_lag_seconds") >= 2);
                traffic.close();
                acknowledged = traffic.acknowledged();
                terminated = System.nanoTime();
                gateway.terminate();
                Duration budget = Duration.ofSeconds(2 + 5 + 5).plus(STOP_MARGIN); // delay + drain + workers
                boolean exited = gateway.awaitExit(budget.plusSeconds(30));
                Duration took = Duration.ofNanos(System.nanoTime() - terminated);
                System.out.printf("SIGTERM with Kafka and SXWL unreachable: %d callbacks acknowledged before it;"
                        + " stopped in %d ms (budget %d ms)%n", acknowledged.size(), took.toMillis(), budget.toMillis());
                assertTrue(exited && took.compareTo(budget) <= 0, "stopped in " + took + ", within " + budget);
            } finally {
                stack.kafka.startAgain();
            }
            assertTrue(Files.readString(gateway.log()).contains("Background work"), "the stop is logged");

            // Nothing acknowledged is lost: with SXWL and Kafka back, every outcome is confirmed and published.
            gateway.environment.put("GATEWAY_UPSTREAM_BASE_URL", SxwlSimulator.baseUrl());
            gateway.start();
            stack.assertEveryOutcomePublished(acknowledged);
        }
    }

    /** A sample's value in the replica's /q/metrics (summed over its series); 0 when absent. */
    private static double metric(GatewayProcess gateway, String name) throws Exception {
        Matcher sample = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? ([0-9.eE+-]+)$")
                .matcher(gateway.operationsBody("/q/metrics"));
        double sum = 0;
        while (sample.find()) {
            sum += Double.parseDouble(sample.group(1));
        }
        return sum;
    }
}
