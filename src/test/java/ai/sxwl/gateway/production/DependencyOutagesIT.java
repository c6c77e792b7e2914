package ai.sxwl.gateway.production;

import ai.sxwl.gateway.testing.GatewayProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9 (c) and (d): the production jar under load while its broker is stopped, and while its database cannot be
 * reached. Short outages in the test suite; {@code -Dproduction.full=true} for the README's 60 s and 30 s.
 */
class DependencyOutagesIT {

    /** One replica for both outages: it must come through the first unharmed to pass the second. */
    private static GatewayProcess gateway;

    @BeforeAll
    static void startTheReplica() throws Exception {
        gateway = ProductionStack.get().replica();
        gateway.start();
    }

    @AfterAll
    static void stopTheReplica() throws InterruptedException {
        gateway.close();
    }

    @Test
    void whileTheBrokerIsDownCallbacksAreTakenReadinessStaysUpAndEveryEventArrivesAfter() throws Exception {
        ProductionStack stack = ProductionStack.get();
        Duration outage = ProductionStack.FULL ? Duration.ofSeconds(60) : Duration.ofSeconds(6);
        Load traffic = new Load(List.of(gateway), 4, Load.Kind.UNTOKENED_CALLBACK, Load.Kind.SUBMIT_CALLED_BACK);
        Thread.sleep(1000);
        long stopping = System.nanoTime();
        stack.kafka.stop();
        long down = System.nanoTime();
        List<Integer> readiness = new ArrayList<>();
        while (System.nanoTime() - down < outage.toNanos()) {
            readiness.add(gateway.get("/q/health/ready", null));
            Thread.sleep(500);
        }
        int sentWhileDown = traffic.sent.size();
        stack.kafka.startAgain();
        System.out.printf("  the broker took %d ms to stop and %d ms to start again%n", (down - stopping) / 1_000_000,
                (System.nanoTime() - down) / 1_000_000 - outage.toMillis());
        Thread.sleep(1000);
        traffic.close();

        List<Load.Sent> refused = traffic.sent.stream().filter(s -> !s.acknowledged()).toList();
        System.out.printf("Broker stopped %d s under load: %d requests, %d acknowledged, %d not%n",
                outage.toSeconds(), traffic.sent.size(), traffic.acknowledged().size(), refused.size());
        assertEquals(List.of(), refused, "every request answered 200 while the broker was down");
        assertFalse(readiness.isEmpty());
        assertTrue(readiness.stream().allMatch(status -> status == 200), "readiness stayed up: " + readiness);
        assertTrue(sentWhileDown > 20, "the load went on during the outage: " + sentWhileDown);
        stack.assertEveryOutcomePublished(traffic.acknowledged());
    }

    @Test
    void whileTheDatabaseIsUnreachableCallbacksGet503AndNothingAcknowledgedIsLost() throws Exception {
        ProductionStack stack = ProductionStack.get();
        Duration outage = ProductionStack.FULL ? Duration.ofSeconds(30) : Duration.ofSeconds(7);
        Load traffic = new Load(List.of(gateway), 4, Load.Kind.UNTOKENED_CALLBACK);
        Thread.sleep(1000);
        stack.database.cut();
        long cut = System.nanoTime();
        Thread.sleep(outage.toMillis());
        stack.database.restore();
        long restored = System.nanoTime();
        // Recovery without a restart: the same process takes callbacks again.
        await().atMost(Duration.ofSeconds(30)).until(() -> traffic.sent.stream()
                .anyMatch(s -> s.startedNanos() > restored && s.acknowledged()));
        long recovered = traffic.sent.stream().filter(s -> s.startedNanos() > restored && s.acknowledged())
                .mapToLong(Load.Sent::startedNanos).min().orElseThrow();
        traffic.close();

        // Requests that began well inside the outage (not in flight at its edges) were refused properly.
        List<Load.Sent> during = traffic.sent.stream()
                .filter(s -> s.startedNanos() > cut + 500_000_000L && s.endedNanos() < restored).toList();
        System.out.printf("Database unreachable %d s under load: %d requests during it, answered %s; callbacks"
                        + " stored again %d ms after it came back%n", outage.toSeconds(), during.size(),
                during.stream().collect(java.util.stream.Collectors.groupingBy(Load.Sent::status,
                        java.util.stream.Collectors.counting())), (recovered - restored) / 1_000_000);
        assertFalse(during.isEmpty(), "callbacks were sent during the outage");
        for (Load.Sent sent : during) {
            assertEquals(503, sent.status(), "answered 503 while the database was unreachable");
            assertNotNull(sent.retryAfter(), "503 carries Retry-After");
        }
        stack.assertEveryOutcomePublished(traffic.acknowledged());
    }
}
