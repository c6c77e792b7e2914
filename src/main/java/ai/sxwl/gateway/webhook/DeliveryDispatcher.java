package ai.sxwl.gateway.webhook;

import ai.sxwl.gateway.observability.ApplicationGauges;
import ai.sxwl.gateway.background.GracefulStop;
import ai.sxwl.gateway.background.BackgroundLoop;
import ai.sxwl.gateway.egress.UrlGuard;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Works through due deliveries: claims them (the database decides order and ownership), checks each target address
 * again, signs, sends on the non-blocking client, and records the result. A slow endpoint holds at most its own
 * in-flight slots; the loop itself never waits for an answer or a DNS lookup.
 */
@ApplicationScoped
public class DeliveryDispatcher implements GracefulStop {

    private static final Logger LOG = Logger.getLogger(DeliveryDispatcher.class);
    private static final Duration IDLE = Duration.ofMillis(250);
    /** Left of a lease after an attempt's deadline, for recording its result. */
    private static final Duration RECORDING_MARGIN = Duration.ofSeconds(5);

    private final DeliveryRecorder recorder;
    private final Endpoints endpoints;
    private final UrlGuard guard;
    private final WebhookSender sender;
    private final WebhooksConfig config;
    private final AttemptSpans spans;
    private final MeterRegistry registry;
    private final Timer latency;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** A claim's lease: the DNS lookup, then the attempt, then recording it; an attempt never outlives it. */
    private final Duration lease;
    private final BackgroundLoop loop = new BackgroundLoop("webhook-dispatcher");
    private final ExecutorService blocking = Executors.newFixedThreadPool(4, r -> {
        Thread thread = new Thread(r, "webhook-record");
        thread.setDaemon(true);
        return thread;
    });

    DeliveryDispatcher(DeliveryRecorder recorder, Endpoints endpoints, UrlGuard guard, WebhookSender sender,
                       WebhooksConfig config, AttemptSpans spans, MeterRegistry registry, ApplicationGauges gauges) {
        this.recorder = recorder;
        this.endpoints = endpoints;
        this.guard = guard;
        this.sender = sender;
        this.config = config;
        this.spans = spans;
        this.registry = registry;
        this.lease = config.dnsTimeout().plus(config.timeout()).plus(RECORDING_MARGIN).plus(RECORDING_MARGIN);
        this.latency = Timer.builder("gateway.webhook.attempt.latency").description("One delivery attempt")
                .publishPercentileHistogram().register(registry);
        gauges.register(Gauge.builder("gateway.webhook.in.flight", inFlight, AtomicInteger::get)
                .description("Webhook attempts in flight on this replica"));
    }

    void start(@Observes StartupEvent event) {
        loop.start(() -> dispatchDue(Instant.now()) > 0 ? BackgroundLoop.Pause.NONE : BackgroundLoop.Pause.idle(IDLE));
    }

    /**
     * No new claims; the attempts in flight end (each within its lease) and are recorded, which ends their leases,
     * so that another replica can take those deliveries at once rather than when the leases run out.
     */
    @Override
    public void stopBy(Deadline deadline) throws InterruptedException {
        loop.stopBy(deadline);
        // An attempt never outlives its lease; the shutdown's deadline may be shorter, and then the lease runs out.
        Deadline attempts = deadline.remaining().compareTo(lease) < 0 ? deadline : Deadline.in(lease);
        while (inFlight.get() > 0 && !attempts.passed()) {
            Thread.sleep(20);
        }
        blocking.shutdown();
        blocking.awaitTermination(deadline.remaining().toMillis(), TimeUnit.MILLISECONDS);
    }

    void wakeUp() {
        loop.wakeUp();
    }

    private int dispatchDue(Instant now) {
        int room = config.maxInFlight() - inFlight.get();
        if (room <= 0) {
            return 0;
        }
        Instant leaseUntil = now.plus(lease);
        List<DeliveryRecorder.Claim> claims = recorder.claimDue(room, now, leaseUntil);
        int started = 0;
        for (DeliveryRecorder.Claim claim : claims) {
            Instant busyUntil = endpoints.tryAcquire(claim.endpoint(), now);
            if (busyUntil != null) {
                recorder.postpone(claim.id(), busyUntil);
                continue;
            }
            inFlight.incrementAndGet();
            started++;
            attempt(new Attempt(claim, leaseUntil));
        }
        return started;
    }

    /**
     * Resolves the target on the guard's own DNS pool (bounded in time), then sends on the event loop. Nothing here
     * blocks the dispatcher, and whatever fails, at whatever step, settles the attempt exactly once, which frees its
     * slots.
     */
    private void attempt(Attempt attempt) {
        try {
            guard.check(attempt.claim.url()).whenComplete((resolution, failure) -> {
                try {
                    if (failure != null) {
                        attempt.settle(null, null, null, describe(failure));
                    } else if (!resolution.isAllowed()) {
                        attempt.settle(null, null, null, "refused: " + resolution.refusal());
                    } else {
                        send(attempt, resolution.address());
                    }
                } catch (RuntimeException e) {
                    attempt.settle(null, null, null, describe(e));
                }
            });
        } catch (RuntimeException e) {
            attempt.settle(null, null, null, describe(e));
        }
    }

    private void send(Attempt attempt, InetAddress address) {
        DeliveryRecorder.Claim claim = attempt.claim;
        // The attempt must end inside its lease, so that no other replica claims the delivery while it runs.
        long deadline = Math.min(config.timeout().toMillis(),
                Duration.between(Instant.now(), attempt.leaseUntil).minus(RECORDING_MARGIN).toMillis());
        if (deadline <= 0) {
            attempt.settle(null, null, null, "not attempted: its lease ran out before the target resolved");
            return;
        }
        long timestamp = Instant.now().getEpochSecond();
        String signature = WebhookSigner.signature(claim.messageId(), timestamp, claim.body(), claim.secrets());
        sender.send(claim.url(), address, claim.messageId(), timestamp, signature, claim.body(),
                        AttemptSpans.traceparent(attempt.span, claim.traceparent()), deadline)
                .onComplete(done -> {
                    if (done.succeeded()) {
                        attempt.settle(done.result().status(), done.result().retryAfter(), done.result().excerpt(),
                                null);
                    } else {
                        attempt.settle(null, null, null, describe(done.cause()));
                    }
                });
    }

    /** One started attempt: settled once, recorded on the blocking pool, its slots released whatever happens. */
    private final class Attempt {
        final DeliveryRecorder.Claim claim;
        final Instant leaseUntil;
        final long startedAt = System.nanoTime();
        final Span span;
        final AtomicBoolean settled = new AtomicBoolean();

        Attempt(DeliveryRecorder.Claim claim, Instant leaseUntil) {
            this.claim = claim;
            this.leaseUntil = leaseUntil;
            this.span = spans.start(claim);
        }

        void settle(Integer status, String retryAfter, String excerpt, String error) {
            if (!settled.compareAndSet(false, true)) {
                return;
            }
            int millis = (int) ((System.nanoTime() - startedAt) / 1_000_000);
            AttemptResult result = new AttemptResult(status, retryAfter, excerpt, error, millis);
            AttemptSpans.end(span, result);
            try {
                blocking.execute(() -> finish(claim, result));
            } catch (RuntimeException shuttingDown) {
                release(claim, result);
            }
        }
    }

    private void finish(DeliveryRecorder.Claim claim, AttemptResult result) {
        try {
            latency.record(Duration.ofMillis(result.latencyMs()));
            DeliveryState state = recorder.record(claim.id(), result, Instant.now());
            Counter.builder("gateway.webhook.deliveries").description("Webhook attempts recorded, by outcome")
                    .tag("outcome", outcome(result, state)).register(registry).increment();
        } catch (RuntimeException e) {
            LOG.warnf("Cannot record attempt of delivery %d (it will be tried again when its lease ends): %s",
                    claim.id(), e.toString());
        } finally {
            release(claim, result);
        }
    }

    private void release(DeliveryRecorder.Claim claim, AttemptResult result) {
        endpoints.release(claim.endpoint(), result.succeeded(), Instant.now());
        inFlight.decrementAndGet();
        wakeUp();
    }

    private static String outcome(AttemptResult result, DeliveryState state) {
        return result.succeeded() ? "delivered" : state == DeliveryState.DEAD ? "dead" : "failed";
    }

    private static String describe(Throwable cause) {
        String name = cause.getClass().getSimpleName();
        return cause.getMessage() == null ? name : name + ": " + cause.getMessage();
    }
}
