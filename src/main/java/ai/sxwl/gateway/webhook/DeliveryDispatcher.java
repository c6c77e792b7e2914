package ai.sxwl.gateway.webhook;

import ai.sxwl.gateway.BackgroundLoop;
import ai.sxwl.gateway.history.JobChanged;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Works through due deliveries: claims them (the database decides order and ownership), checks each target address
 * again, signs, sends on the non-blocking client, and records the result. A slow endpoint holds at most its own
 * in-flight slots; the loop itself never waits for an answer.
 */
@ApplicationScoped
public class DeliveryDispatcher {

    private static final Logger LOG = Logger.getLogger(DeliveryDispatcher.class);
    private static final Duration IDLE = Duration.ofMillis(250);

    private final DeliveryRecorder recorder;
    private final Endpoints endpoints;
    private final UrlGuard guard;
    private final WebhookSender sender;
    private final WebhooksConfig config;
    private final MeterRegistry registry;
    private final Timer latency;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final BackgroundLoop loop = new BackgroundLoop("webhook-dispatcher");
    private final ExecutorService blocking = Executors.newFixedThreadPool(4, r -> {
        Thread thread = new Thread(r, "webhook-record");
        thread.setDaemon(true);
        return thread;
    });

    DeliveryDispatcher(DeliveryRecorder recorder, Endpoints endpoints, UrlGuard guard, WebhookSender sender,
                       WebhooksConfig config, MeterRegistry registry) {
        this.recorder = recorder;
        this.endpoints = endpoints;
        this.guard = guard;
        this.sender = sender;
        this.config = config;
        this.registry = registry;
        this.latency = Timer.builder("gateway.webhook.attempt.latency").description("One delivery attempt")
                .publishPercentileHistogram().register(registry);
        registry.gauge("gateway.webhook.in.flight", inFlight);
    }

    void start(@Observes StartupEvent event) {
        loop.start(() -> dispatchDue(Instant.now()) > 0 ? BackgroundLoop.Pause.NONE : BackgroundLoop.Pause.idle(IDLE));
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        loop.stop();
        blocking.shutdown();
        blocking.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** A committed change may have queued deliveries: look now. */
    void onCommittedChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) JobChanged change) {
        wakeUp();
    }

    void wakeUp() {
        loop.wakeUp();
    }

    private int dispatchDue(Instant now) {
        int room = config.maxInFlight() - inFlight.get();
        if (room <= 0) {
            return 0;
        }
        // Long enough for an attempt and its recording; after a crash the delivery is due again when it ends.
        Instant lease = now.plus(config.timeout().multipliedBy(2)).plusSeconds(5);
        List<DeliveryRecorder.Claim> claims = recorder.claimDue(room, now, lease);
        int started = 0;
        for (DeliveryRecorder.Claim claim : claims) {
            Instant busyUntil = endpoints.tryAcquire(claim.endpoint(), now);
            if (busyUntil != null) {
                recorder.postpone(claim.id(), busyUntil);
                continue;
            }
            inFlight.incrementAndGet();
            started++;
            blocking.execute(() -> attempt(claim));
        }
        return started;
    }

    /** Runs on a worker: the DNS check blocks; the send does not. */
    private void attempt(DeliveryRecorder.Claim claim) {
        long started = System.nanoTime();
        UrlGuard.Resolution resolution = guard.resolve(claim.url());
        if (!resolution.isAllowed()) {
            finish(claim, new AttemptResult(null, null, null, "refused: " + resolution.refusal(), 0));
            return;
        }
        long timestamp = Instant.now().getEpochSecond();
        String signature = WebhookSigner.signature(claim.messageId(), timestamp, claim.body(), claim.secrets());
        sender.send(claim.url(), resolution.address(), claim.messageId(), timestamp, signature, claim.body())
                .onComplete(done -> {
                    int millis = (int) ((System.nanoTime() - started) / 1_000_000);
                    AttemptResult result = done.succeeded()
                            ? new AttemptResult(done.result().status(), done.result().retryAfter(),
                            done.result().excerpt(), null, millis)
                            : new AttemptResult(null, null, null, describe(done.cause()), millis);
                    blocking.execute(() -> finish(claim, result));
                });
    }

    private void finish(DeliveryRecorder.Claim claim, AttemptResult result) {
        Instant now = Instant.now();
        try {
            endpoints.release(claim.endpoint(), result.succeeded(), now);
            latency.record(Duration.ofMillis(result.latencyMs()));
            DeliveryState state = recorder.record(claim.id(), result, now);
            registry.counter("gateway.webhook.deliveries", "outcome", outcome(result, state)).increment();
        } catch (RuntimeException e) {
            LOG.warnf("Cannot record attempt of delivery %d (it will be tried again when its lease ends): %s",
                    claim.id(), e.toString());
        } finally {
            inFlight.decrementAndGet();
            wakeUp();
        }
    }

    private static String outcome(AttemptResult result, DeliveryState state) {
        return result.succeeded() ? "delivered" : state == DeliveryState.DEAD ? "dead" : "failed";
    }

    private static String describe(Throwable cause) {
        String name = cause.getClass().getSimpleName();
        return cause.getMessage() == null ? name : name + ": " + cause.getMessage();
    }
}
