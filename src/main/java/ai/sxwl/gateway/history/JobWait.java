package ai.sxwl.gateway.history;

import ai.sxwl.gateway.history.JobsResource.JobView;
import ai.sxwl.gateway.problem.ProblemException;
import io.quarkus.runtime.configuration.DurationConverter;

import java.time.Duration;
import java.util.Locale;

/**
 * The rules of waiting for a job ({@code GET /api/jobs/{id}?wait=&until=&after=}): how long (at most
 * {@value #MAX_WAIT_SECONDS} s, like the events feed, refused beyond rather than cut short, so a client learns its
 * loop is wrong) and for what.
 */
final class JobWait {

    static final int MAX_WAIT_SECONDS = 30;
    /** How often a waiter reads the job again without news from this replica (another replica may have changed it). */
    static final Duration RECHECK = Duration.ofSeconds(1);

    private JobWait() {
    }

    /** What a waiting request waits for. */
    enum Until {
        /** The job is succeeded, failed, cancelled or lost. */
        TERMINAL,
        /** The job's sequence passed the one given (a new change: a state, stalled or model_available). */
        CHANGE;

        /** {@code terminal} (also the default) or {@code change}; anything else is a 400. */
        static Until parse(String value) {
            if (value == null || value.isEmpty()) {
                return TERMINAL;
            }
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ProblemException.of(400, "Bad Request", "until must be terminal or change.");
            }
        }

        boolean met(JobView job, long after) {
            return this == TERMINAL ? JobStatus.fromWire(job.status()).terminal() : job.sequence() > after;
        }
    }

    /** Whole seconds ({@code 10}) or a duration ({@code 10s}, {@code 500ms}, {@code PT5S}), 0 to 30 s. */
    static Duration parseWait(String wait) {
        if (wait == null || wait.isEmpty()) {
            return Duration.ZERO;
        }
        Duration duration;
        try {
            duration = DurationConverter.parseDuration(wait.trim());
        } catch (RuntimeException e) {
            duration = null;
        }
        if (duration == null || duration.isNegative() || duration.compareTo(Duration.ofSeconds(MAX_WAIT_SECONDS)) > 0) {
            throw ProblemException.of(400, "Bad Request", "wait must be a duration from 0 to " + MAX_WAIT_SECONDS
                    + " seconds (such as 30, 30s or 500ms); " + wait + " is not.");
        }
        return duration;
    }
}
