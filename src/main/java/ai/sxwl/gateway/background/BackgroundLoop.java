package ai.sxwl.gateway.background;

import ai.sxwl.gateway.settings.RunMode;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A named daemon thread that runs one round after another until stopped (the outbox relay, the reconciler, the
 * webhook dispatcher). Each round says how long to pause before the next; a wake-up cuts a wakeable pause short. A
 * round that throws is logged and the loop goes on. Stopping ends any pause at once but lets the current round
 * finish (an outbox batch is published and marked, not cut in half), and interrupts it only when it overstays the
 * shutdown's deadline.
 */
public final class BackgroundLoop {

    private static final Logger LOG = Logger.getLogger(BackgroundLoop.class);

    /** How long to wait after a round, and whether a wake-up may end the wait early. */
    public record Pause(Duration duration, boolean wakeable) {
        public static final Pause NONE = new Pause(Duration.ZERO, false);

        public static Pause idle(Duration duration) {
            return new Pause(duration, true);
        }

        public static Pause fixed(Duration duration) {
            return new Pause(duration, false);
        }
    }

    private final String name;
    private final Semaphore wakeUp = new Semaphore(0);
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile boolean running;
    private Thread thread;

    public BackgroundLoop(String name) {
        this.name = name;
    }

    /** Starts the loop; not in the migrate command, which only brings the schema up to date. */
    public synchronized void start(Supplier<Pause> round) {
        if (RunMode.current() == RunMode.MIGRATE) {
            return;
        }
        running = true;
        thread = new Thread(() -> run(round), name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Ends the current wakeable pause now. */
    public void wakeUp() {
        wakeUp.release();
    }

    /**
     * Stops after the current round, waiting for it until the deadline and then interrupting it (an outbox batch
     * waiting for Kafka's acknowledgements keeps those it has; the rest wait in the outbox).
     */
    public synchronized void stopBy(GracefulStop.Deadline deadline) throws InterruptedException {
        running = false;
        stopping.countDown();
        wakeUp.release();
        if (thread != null && !deadline.join(thread)) {
            LOG.warnf("%s: the current round did not finish by the shutdown deadline; interrupting it", name);
            thread.interrupt();
            thread.join(BackgroundShutdown.AFTER_DEADLINE.toMillis());
        }
    }

    private void run(Supplier<Pause> round) {
        while (running) {
            Pause pause;
            try {
                pause = round.get();
            } catch (RuntimeException e) {
                LOG.warnf("%s: a round failed, trying again: %s", name, e.toString());
                pause = Pause.fixed(Duration.ofSeconds(1));
            }
            try {
                if (pause.wakeable()) {
                    wakeUp.tryAcquire(pause.duration().toMillis(), TimeUnit.MILLISECONDS);
                    wakeUp.drainPermits();
                } else if (!pause.duration().isZero()) {
                    stopping.await(pause.duration().toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
