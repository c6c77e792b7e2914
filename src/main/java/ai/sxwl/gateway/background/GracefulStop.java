package ai.sxwl.gateway.background;

import java.time.Duration;

/**
 * A background worker (a loop, the callback writers, a pool of polls or webhook attempts) that stops at shutdown by a
 * deadline it shares with every other worker: {@link BackgroundShutdown} stops them all at once, so that the slowest one, not
 * their sum, decides how long a stop takes.
 */
public interface GracefulStop {

    /** Takes no new work, finishes the work in hand and returns by the deadline, cutting short what overstays. */
    void stopBy(Deadline deadline) throws InterruptedException;

    /** A point in time on the monotonic clock. */
    record Deadline(long nanos) {

        public static Deadline in(Duration duration) {
            return new Deadline(System.nanoTime() + duration.toNanos());
        }

        /** What is left of it, never negative. */
        public Duration remaining() {
            return Duration.ofNanos(Math.max(0, nanos - System.nanoTime()));
        }

        public boolean passed() {
            return System.nanoTime() - nanos >= 0;
        }

        /** Waits for the thread until the deadline; true when it ended. */
        public boolean join(Thread thread) throws InterruptedException {
            long millis = remaining().toMillis();
            if (millis > 0) {
                thread.join(millis);
            }
            return !thread.isAlive();
        }
    }
}
