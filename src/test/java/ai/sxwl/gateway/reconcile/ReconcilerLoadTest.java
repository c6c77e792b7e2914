package ai.sxwl.gateway.reconcile;

import ai.sxwl.gateway.background.GracefulStop;
import ai.sxwl.gateway.observability.Tracing;
import ai.sxwl.gateway.testing.Jobs;
import ai.sxwl.gateway.testing.SxwlSimulator;
import ai.sxwl.gateway.tenant.TenantRegistry;
import ai.sxwl.gateway.upstream.SxwlClient;
import ai.sxwl.gateway.upstream.UpstreamConfig;
import ai.sxwl.gateway.observability.ApplicationGauges;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many open jobs: the rate cap holds, and two reconcilers on one database never poll one job at once. */
@QuarkusTest
class ReconcilerLoadTest {

    private static final double CAP = 40; // gateway.reconcile.max-calls-per-second in the test profile

    @Inject
    Jobs jobs;

    @Inject
    ai.sxwl.gateway.testing.Db db;

    @Inject
    ReconcileConfig config;

    @Inject
    JobClaims claims;

    @Inject
    PollRecorder recorder;

    @Inject
    SxwlClient upstream;

    @Inject
    TenantRegistry tenants;

    @Inject
    UpstreamConfig upstreamConfig;

    @Inject
    Tracing tracing;

    @Inject
    ApplicationGauges gauges;

    @Test
    void fiveHundredDueJobsNeverExceedTheRateCap() {
        List<String> open = SxwlSimulator.openJobs(500);
        Instant start = Instant.now();
        jobs.insertRunning(open, "acme", start);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    open.stream().filter(id -> !SxwlSimulator.statusRequestTimes(id).isEmpty()).count() >= 200);
        } finally {
            jobs.stopPolling(open);
        }
        // Every job_status call upstream got in that time (these jobs and any other), per second.
        Map<Long, Integer> perSecond = new TreeMap<>();
        SxwlSimulator.statusRequestTimes().stream().filter(t -> !t.isBefore(start))
                .forEach(t -> perSecond.merge(t.getEpochSecond(), 1, Integer::sum));
        System.out.println("Upstream job_status calls per second with 500 due jobs (cap " + CAP + "): "
                + perSecond.values());
        perSecond.values().forEach(calls -> assertTrue(calls <= CAP * 1.25, "burst: " + perSecond));
        List<Integer> full = perSecond.values().stream().skip(1).limit(Math.max(0, perSecond.size() - 2)).toList();
        double average = full.stream().mapToInt(Integer::intValue).average().orElse(0);
        assertTrue(average >= CAP * 0.6, "the cap is what limits, not something else: " + perSecond);
    }

    @Test
    void twoReconcilersNeverPollTheSameJobAtOnce() {
        List<String> open = SxwlSimulator.openJobs(60);
        jobs.insertRunning(open, "acme", Instant.now());
        // A second reconciler, as another replica would run it, beside the application's own.
        Reconciler second = new Reconciler(config, claims, recorder, upstream, tenants, upstreamConfig, tracing,
                gauges);
        AtomicBoolean running = new AtomicBoolean(true);
        CompletableFuture<Void> loop = CompletableFuture.runAsync(() -> {
            while (running.get()) {
                second.tick(Instant.now());
                sleep(50);
            }
        });
        try {
            // Two polls of each job: the second is where a replica that ignored the other's claim would poll too.
            await().atMost(Duration.ofSeconds(40)).until(() ->
                    open.stream().allMatch(id -> SxwlSimulator.statusRequestTimes(id).size() >= 2));
        } finally {
            running.set(false);
            loop.join();
            stop(second);
            jobs.stopPolling(open);
        }
        // Polls of one job are spaced by its schedule (initial-delay 2 s minus 20% jitter); two replicas polling it
        // at once would show up as two calls close together.
        for (String id : open) {
            List<Instant> times = SxwlSimulator.statusRequestTimes(id);
            for (int i = 1; i < times.size(); i++) {
                Duration gap = Duration.between(times.get(i - 1), times.get(i));
                assertTrue(gap.toMillis() >= 1500, id + " polled twice within " + gap + ": " + times);
            }
        }
        for (String id : open) {
            assertTrue(db.count("SELECT count(*) FROM job WHERE job_id = ? AND status = 'running'", id) == 1);
        }
    }

    private static void stop(Reconciler reconciler) {
        try {
            reconciler.stopBy(GracefulStop.Deadline.in(Duration.ofSeconds(10)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
