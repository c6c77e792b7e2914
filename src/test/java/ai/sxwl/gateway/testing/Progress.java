package ai.sxwl.gateway.testing;

import java.time.Duration;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Waits for work to be done, however long a busy machine takes, as long as it is being done: load runs until it has
 * done enough, not for a fixed time, and a wait fails only when nothing moves for a long while.
 */
public final class Progress {

    /** No progress for this long is a failure; a slow but moving machine never is. */
    public static final Duration STALL = Duration.ofSeconds(60);
    /** The longest an await for expected progress may take on a machine shared with other builds: not a timing. */
    public static final Duration CEILING = Duration.ofMinutes(2);

    private Progress() {
    }

    /** Returns once {@code count} reaches {@code target}; fails when it stays the same for {@link #STALL}. */
    public static void awaitCount(String what, IntSupplier count, int target) throws InterruptedException {
        int last = count.getAsInt();
        long lastMoved = System.nanoTime();
        while (last < target) {
            Thread.sleep(50);
            int now = count.getAsInt();
            if (now != last) {
                last = now;
                lastMoved = System.nanoTime();
            } else if (System.nanoTime() - lastMoved > STALL.toNanos()) {
                fail(what + ": stuck at " + now + " of " + target + " for " + STALL.toSeconds() + " s");
            }
        }
    }
}
