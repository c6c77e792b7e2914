package ai.sxwl.gateway.background;

import ai.sxwl.gateway.settings.GatewayConfig;
import io.quarkus.arc.All;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Stops every background worker at once under one deadline, {@code gateway.shutdown.timeout}, once Quarkus has drained
 * the HTTP requests (quarkus.shutdown.delay and quarkus.shutdown.timeout before it). One after another, the relay, the
 * reconciler, the dispatcher and the writers each waiting out a Kafka or SXWL outage would add up to more than a
 * pod's termination grace period; at once, the stop takes as long as the slowest, and no longer than the deadline.
 */
@ApplicationScoped
class BackgroundShutdown {

    private static final Logger LOG = Logger.getLogger(BackgroundShutdown.class);
    /** What a worker cut short at the deadline gets to notice its interrupt and end. */
    static final Duration AFTER_DEADLINE = Duration.ofSeconds(1);

    private final List<GracefulStop> workers;
    private final Duration timeout;

    BackgroundShutdown(@All List<GracefulStop> workers, GatewayConfig config) {
        this.workers = workers;
        this.timeout = config.shutdown().timeout();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        long started = System.nanoTime();
        GracefulStop.Deadline deadline = GracefulStop.Deadline.in(timeout);
        List<Thread> stopping = new ArrayList<>();
        for (GracefulStop worker : workers) {
            Thread thread = new Thread(() -> {
                try {
                    worker.stopBy(deadline);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    LOG.warnf("Stopping %s failed: %s", worker, e.toString());
                }
            }, "stop-" + worker.getClass().getSimpleName());
            thread.setDaemon(true);
            thread.start();
            stopping.add(thread);
        }
        GracefulStop.Deadline last = GracefulStop.Deadline.in(timeout.plus(AFTER_DEADLINE));
        List<String> overstayed = new ArrayList<>();
        for (Thread thread : stopping) {
            if (!last.join(thread)) {
                overstayed.add(thread.getName());
            }
        }
        if (overstayed.isEmpty()) {
            LOG.infof("Background work stopped in %d ms", (System.nanoTime() - started) / 1_000_000);
        } else {
            LOG.warnf("Background work still running %s after gateway.shutdown.timeout (%s): %s; exiting anyway",
                    AFTER_DEADLINE, timeout, overstayed);
        }
    }
}
