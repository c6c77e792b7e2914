package ai.sxwl.gateway.reconcile;

import ai.sxwl.gateway.history.Job;
import ai.sxwl.gateway.history.JobStatus;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to ask upstream about a job next: {@code initial-delay} after news, then doubling with each quiet poll (or
 * failure) up to {@code max-interval}, with ±20% jitter so that jobs submitted together spread out. A timed job is
 * also polled just after its expected end, and once more when it would count as stalled.
 */
@ApplicationScoped
public class PollSchedule {

    static final Duration AFTER_EXPECTED_END = Duration.ofSeconds(30);

    private final Duration initialDelay;
    private final Duration maxInterval;
    private final Duration stallGrace;

    PollSchedule(ReconcileConfig config) {
        this.initialDelay = config.initialDelay();
        this.maxInterval = config.maxInterval();
        this.stallGrace = config.stallGrace();
    }

    /** The next poll of a job that is not terminal, {@code step} quiet polls or failures after its last news. */
    Instant next(Job job, int step, Instant now) {
        Instant regular = now.plus(jitter(backoff(step)));
        Instant end = job.expectedEndAt;
        if (end == null) {
            return regular;
        }
        Instant afterEnd = end.plus(AFTER_EXPECTED_END);
        Instant stallCheck = end.plus(stallGrace).plusSeconds(1);
        if (now.isBefore(afterEnd) && afterEnd.isBefore(regular)) {
            return afterEnd;
        }
        if (now.isBefore(stallCheck) && stallCheck.isBefore(regular)) {
            return stallCheck;
        }
        return regular;
    }

    /**
     * Whether a job still needs polls: every job that is not terminal, and a succeeded one whose model URL is not
     * known yet (SXWL may report success without it).
     */
    static boolean wantsPolls(Job job) {
        return job.status == null || !job.status.terminal()
                || (job.status == JobStatus.SUCCEEDED && job.modelUrl == null);
    }

    boolean overdue(Job job, Instant now) {
        return job.expectedEndAt != null && now.isAfter(job.expectedEndAt.plus(stallGrace));
    }

    Duration backoff(int step) {
        long millis = initialDelay.toMillis() << Math.min(step, 20);
        return millis <= 0 || millis > maxInterval.toMillis() ? maxInterval : Duration.ofMillis(millis);
    }

    private static Duration jitter(Duration interval) {
        double factor = ThreadLocalRandom.current().nextDouble(0.8, 1.2);
        return Duration.ofMillis((long) (interval.toMillis() * factor));
    }
}
