package ai.sxwl.gateway.benchmark;

import ai.sxwl.gateway.testing.EventsTopic;
import ai.sxwl.gateway.testing.TestKafka;
import ai.sxwl.gateway.testing.Jobs;
import ai.sxwl.gateway.testing.SxwlSimulator;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * Reconciler cost and recovery with 10,000 open jobs against the SXWL simulator, at the default schedule scaled
 * down 60x (1 s stands for 1 min: initial-delay 60s -> 1s, max-interval 10m -> 10s, max-calls-per-second 5 -> 300).
 * Prints upstream calls per job-hour and the time from a dropped callback to its recovered event, next to the
 * reference of naive fixed polling at initial-delay. Not part of the test suite: run it with
 * {@code scripts/bench-reconcile.sh}.
 */
@QuarkusTest
@TestProfile(ReconcileBenchmark.ScaledDefaults.class)
@Tag("benchmark")
class ReconcileBenchmark {

    static final int JOBS = 10_000;
    static final int SCALE = 60;
    static final Duration RUN = Duration.ofSeconds(60); // one job-hour, scaled
    static final int DROPPED = 20;

    public static class ScaledDefaults implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "gateway.reconcile.initial-delay", "1s",
                    "gateway.reconcile.max-interval", "10s",
                    "gateway.reconcile.max-calls-per-second", String.valueOf(5 * SCALE),
                    "gateway.reconcile.max-in-flight", "16",
                    "gateway.reconcile.stall-grace", "30s");
        }
    }

    @Inject
    Jobs jobs;

    @Test
    void tenThousandOpenJobs() {
        List<String> open = SxwlSimulator.openJobs(JOBS);
        Instant start = Instant.now();
        int callsBefore = SxwlSimulator.statusRequestTimes().size();
        jobs.insertRunning(open, "acme", start.plusSeconds(1));

        // Halfway through, some jobs end upstream and their callbacks are lost.
        await().atMost(RUN).until(() -> Instant.now().isAfter(start.plus(RUN.dividedBy(2))));
        List<String> shuffled = new ArrayList<>(open);
        Collections.shuffle(shuffled);
        List<String> dropped = shuffled.subList(0, DROPPED);
        Instant droppedAt = Instant.now();
        dropped.forEach(id -> SxwlSimulator.finish(id, true));

        List<Long> recoveryMillis = new ArrayList<>();
        for (String id : dropped) {
            await().atMost(Duration.ofMinutes(3)).until(() -> !TestKafka.topic("sxwl.job.events").records(id).isEmpty());
            Instant seen = Instant.ofEpochMilli(TestKafka.topic("sxwl.job.events").records(id).get(0).timestamp());
            recoveryMillis.add(Duration.between(droppedAt, seen).toMillis());
        }
        await().atMost(RUN.plusSeconds(5)).until(() -> Instant.now().isAfter(start.plus(RUN)));
        int calls = SxwlSimulator.statusRequestTimes().size() - callsBefore;
        jobs.stopPolling(open);

        double jobHours = JOBS * (RUN.toSeconds() * SCALE / 3600.0);
        double perJobHour = calls / jobHours;
        double naive = 3600.0 / 60; // fixed polling every initial-delay (60 s)
        double capBound = 5 * 3600.0 / JOBS; // what max-calls-per-second=5 allows per job-hour at 10,000 jobs
        Collections.sort(recoveryMillis);
        long median = recoveryMillis.get(recoveryMillis.size() / 2);
        long p95 = recoveryMillis.get((int) Math.ceil(recoveryMillis.size() * 0.95) - 1);
        System.out.println("=== Reconcile benchmark: " + JOBS + " open jobs, default schedule scaled " + SCALE + "x ===");
        System.out.printf("upstream job_status calls: %d in %d s (%.1f/s; scaled cap %d/s)%n", calls,
                RUN.toSeconds(), calls / (double) RUN.toSeconds(), 5 * SCALE);
        System.out.printf("calls per job-hour: %.2f  | naive fixed 60 s polling: %.0f  | ratio %.3f"
                + "  | bound of the 5/s cap at %d jobs: %.2f%n", perJobHour, naive, perJobHour / naive, JOBS, capBound);
        System.out.printf("dropped callback -> recovered event (%d jobs): median %d ms (= %.1f min unscaled),"
                + " p95 %d ms (= %.1f min unscaled)%n", DROPPED, median, median * SCALE / 60000.0, p95,
                p95 * SCALE / 60000.0);
    }
}
