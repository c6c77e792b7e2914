package ai.sxwl.gateway.reconcile;

import ai.sxwl.gateway.observability.ApplicationGauges;
import ai.sxwl.gateway.background.GracefulStop;
import ai.sxwl.gateway.background.BackgroundLoop;
import ai.sxwl.gateway.observability.Tracing;
import ai.sxwl.gateway.history.Job;
import ai.sxwl.gateway.tenant.Tenant;
import ai.sxwl.gateway.tenant.TenantRegistry;
import ai.sxwl.gateway.upstream.SxwlClient;
import ai.sxwl.gateway.upstream.UpstreamConfig;
import ai.sxwl.gateway.upstream.UpstreamException;
import ai.sxwl.gateway.upstream.UpstreamJobStatus;
import io.micrometer.core.instrument.Gauge;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The polling loop. Each tick claims as many due jobs as the rate cap and the in-flight bound allow, asks upstream
 * about each on a small pool, and records the answers. It never dies on a bad answer: every failure only backs that
 * job off.
 */
@ApplicationScoped
public class Reconciler implements GracefulStop {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);
    /** What a lease allows, beyond the call itself, for recording its answer: the statement timeout. */
    private static final Duration RECORDING_MARGIN = Duration.ofSeconds(10);
    private static final Duration TICK = Duration.ofMillis(100);
    /** How long polling pauses after a 429 that did not say (with Retry-After) how long to wait. */
    private static final Duration THROTTLED_PAUSE = Duration.ofSeconds(10);

    private final ReconcileConfig config;
    private final JobClaims claims;
    private final PollRecorder recorder;
    private final SxwlClient upstream;
    private final TenantRegistry tenants;
    private final Duration lease;
    private final RateLimiter limiter;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ExecutorService pollers;
    private final BackgroundLoop loop = new BackgroundLoop("reconciler");
    private final Tracer tracer;

    @Inject
    Reconciler(ReconcileConfig config, JobClaims claims, PollRecorder recorder, SxwlClient upstream,
               TenantRegistry tenants, UpstreamConfig upstreamConfig, Tracing tracing, ApplicationGauges gauges) {
        this.config = config;
        this.tracer = tracing.tracer();
        this.claims = claims;
        this.recorder = recorder;
        this.upstream = upstream;
        this.tenants = tenants;
        // Long enough for one call with its connect and read timeouts (twice: a fault is retried once) and for
        // recording its answer (bounded by the statement timeout), so that a claimed job is not claimed twice. A
        // poller that dies keeps its job this long, no longer.
        this.lease = upstreamConfig.connectTimeout().plus(upstreamConfig.readTimeout()).multipliedBy(2)
                .plus(RECORDING_MARGIN);
        this.limiter = new RateLimiter(config.maxCallsPerSecond());
        this.pollers = Executors.newFixedThreadPool(config.maxInFlight(), r -> {
            Thread thread = new Thread(r, "reconciler-poll");
            thread.setDaemon(true);
            return thread;
        });
        gauges.register(Gauge.builder("gateway.reconcile.in.flight", inFlight, AtomicInteger::get)
                .description("Upstream polls in flight on this replica"));
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        tenants.all().stream().filter(t -> t.upstreamToken().isEmpty()).forEach(t -> LOG.warnf("Tenant %s has no"
                + " upstream token: its jobs are not polled (set gateway.tenants.%s.upstream-token)", t.name(),
                t.name()));
        loop.start(() -> {
            tick(Instant.now());
            return BackgroundLoop.Pause.fixed(TICK);
        });
    }

    @Override
    public void stopBy(Deadline deadline) throws InterruptedException {
        loop.stopBy(deadline);
        // Polls in flight finish (each is bounded by the client's timeouts) and record their outcome, which ends
        // their job's lease; only a poll that overstays the deadline is interrupted, and its lease runs out on its own.
        pollers.shutdown();
        if (!pollers.awaitTermination(deadline.remaining().toMillis(), TimeUnit.MILLISECONDS)) {
            pollers.shutdownNow();
        }
    }

    /** Claims what may be polled now and starts polling it; returns how many polls were started. */
    int tick(Instant now) {
        int room = Math.min(limiter.available(), config.maxInFlight() - inFlight.get());
        if (room <= 0) {
            return 0;
        }
        List<String> due = claims.claimDue(room, now, now.plus(lease));
        int started = 0;
        for (String jobId : due) {
            if (!limiter.tryAcquire()) {
                recorder.failed(jobId, now); // not polled: back on the schedule soon, unharmed
                continue;
            }
            inFlight.incrementAndGet();
            started++;
            pollers.execute(() -> {
                // The poll's own span (with tracing on): a change it finds carries this trace context.
                Span span = tracer.spanBuilder("poll job_status").setAttribute("sxwl.job.id", jobId).startSpan();
                try (Scope current = span.makeCurrent()) {
                    poll(jobId);
                } finally {
                    span.end();
                    inFlight.decrementAndGet();
                }
            });
        }
        return started;
    }

    private void poll(String jobId) {
        try {
            Optional<Job> job = QuarkusTransaction.requiringNew().call(() -> Job.<Job>findByIdOptional(jobId));
            if (job.isEmpty()) {
                return;
            }
            // JobClaims hands out only jobs of tenants that have a token.
            String token = tenants.byName(job.get().tenant).flatMap(Tenant::upstreamToken).orElseThrow();
            UpstreamJobStatus answer = upstream.poll(token, jobId);
            recorder.answered(jobId, answer, Instant.now());
        } catch (UpstreamException e) {
            // Only upstream's own "unknown job" counts toward lost; every other answer is a fault to back off from.
            if (e.kind() == UpstreamException.Kind.UNKNOWN_JOB) {
                recorder.notFound(jobId, Instant.now());
                return;
            }
            if (e.kind() == UpstreamException.Kind.THROTTLED) {
                Duration asked = e.retryAfter().orElse(THROTTLED_PAUSE);
                Duration wait = asked.compareTo(config.maxInterval()) > 0 ? config.maxInterval() : asked;
                LOG.infof("Upstream throttles job_status (429): polling pauses for %d s", wait.toSeconds());
                limiter.pause(wait.toNanos());
            } else {
                LOG.debugf("Polling job %s failed: %s", jobId, e.getMessage());
            }
            recorder.failed(jobId, Instant.now());
        } catch (RuntimeException e) {
            LOG.debugf("Polling job %s failed: %s", jobId, e.toString());
            try {
                recorder.failed(jobId, Instant.now());
            } catch (RuntimeException again) {
                LOG.warnf("Cannot record a failed poll of job %s (its lease will run out): %s", jobId, again);
            }
        }
    }
}
