package ai.sxwl.gateway.production;

import ai.sxwl.gateway.testing.GatewayProcess;
import ai.sxwl.gateway.testing.Progress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9 (c) and (d): the production jar under load while its broker is stopped, and while its database cannot be
 * reached, each lasting until enough work was done during it (at least 6 s and 7 s; {@code -Dproduction.full=true}
 * for the README's 60 s and 30 s).
 */
class DependencyOutagesIT {

    /** Requests acknowledged while the broker is down, before it comes back. */
    private static final int ACKNOWLEDGED_DURING_OUTAGE = 20;
    /** Requests answered while the database is cut, before it is restored. */
    private static final int REFUSED_DURING_OUTAGE = 4;

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
        traffic.awaitAcknowledged(10);
        long stopping = System.nanoTime();
        stack.kafka.stop();
        long down = System.nanoTime();
        // Down for at least the outage, and until enough was acknowledged while it lasted, however slow the machine.
        List<Integer> readiness = new CopyOnWriteArrayList<>();
        Thread watcher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                readiness.add(gateway.operations("/q/health/ready"));
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        watcher.start();
        traffic.awaitAcknowledged(ACKNOWLEDGED_DURING_OUTAGE);
        await().atMost(outage.plusSeconds(5)).until(() -> System.nanoTime() - down >= outage.toNanos());
        watcher.interrupt();
        watcher.join();
        stack.kafka.startAgain();
        System.out.printf("  the broker took %d ms to stop; it was down %d ms%n", (down - stopping) / 1_000_000,
                (System.nanoTime() - down) / 1_000_000);
        traffic.awaitAcknowledged(10);
        traffic.close();

        List<Load.Sent> refused = traffic.sent.stream().filter(s -> !s.acknowledged()).toList();
        System.out.printf("Broker stopped under load: %d requests, %d acknowledged, %d not%n",
                traffic.sent.size(), traffic.acknowledged().size(), refused.size());
        assertEquals(List.of(), refused, "every request answered 200 while the broker was down");
        assertFalse(readiness.isEmpty());
        assertTrue(readiness.stream().allMatch(status -> status == 200), "readiness stayed up: " + readiness);
        stack.assertEveryOutcomePublished(traffic.acknowledged());
    }

    @Test
    void whileTheDatabaseIsUnreachableCallbacksGet503AndNothingAcknowledgedIsLost() throws Exception {
        ProductionStack stack = ProductionStack.get();
        Duration outage = ProductionStack.FULL ? Duration.ofSeconds(30) : Duration.ofSeconds(7);
        Load traffic = new Load(List.of(gateway), 4, Load.Kind.UNTOKENED_CALLBACK);
        traffic.awaitAcknowledged(10);
        stack.database.cut();
        long cut = System.nanoTime();
        // Cut for at least the outage, and until enough requests began and ended well inside it.
        Progress.awaitCount("requests answered inside the outage", () -> inside(traffic, cut, Long.MAX_VALUE).size(),
                REFUSED_DURING_OUTAGE);
        await().atMost(outage.plusSeconds(5)).until(() -> System.nanoTime() - cut >= outage.toNanos());
        stack.database.restore();
        long restored = System.nanoTime();
        // Recovery without a restart: the same process takes callbacks again.
        await().atMost(Duration.ofSeconds(60)).until(() -> traffic.sent.stream()
                .anyMatch(s -> s.startedNanos() > restored && s.acknowledged()));
        long recovered = traffic.sent.stream().filter(s -> s.startedNanos() > restored && s.acknowledged())
                .mapToLong(Load.Sent::startedNanos).min().orElseThrow();
        traffic.close();

        // Requests that began well inside the outage (not in flight at its edges) were refused properly.
        List<Load.Sent> during = inside(traffic, cut, restored);
        System.out.printf("Database unreachable %d s under load: %d requests during it, answered %s; callbacks"
                        + " stored again %d ms after it came back%n", (restored - cut) / 1_000_000_000, during.size(),
                during.stream().collect(java.util.stream.Collectors.groupingBy(Load.Sent::status,
                        java.util.stream.Collectors.counting())), (recovered - restored) / 1_000_000);
        assertTrue(during.size() >= REFUSED_DURING_OUTAGE, "callbacks were sent during the outage");
        for (Load.Sent sent : during) {
            assertEquals(503, sent.status(), "answered 503 while the database was unreachable");
            assertNotNull(sent.retryAfter(), "503 carries Retry-After");
        }
        stack.assertEveryOutcomePublished(traffic.acknowledged());
    }

    /** Requests that began half a second after the cut and were answered before the end. */
    private static List<Load.Sent> inside(Load traffic, long cut, long end) {
        return traffic.sent.stream().filter(s -> s.startedNanos() > cut + 500_000_000L && s.endedNanos() < end)
                .toList();
    }
}
