package ai.sxwl.gateway.publish;

import ai.sxwl.gateway.background.GracefulStop;
import ai.sxwl.gateway.background.BackgroundLoop;
import ai.sxwl.gateway.background.ClusterLock;
import ai.sxwl.gateway.observability.Tracing;
import ai.sxwl.gateway.history.JobChanged;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import org.jboss.logging.Logger;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes outbox rows to Kafka, oldest first, on one thread. A round runs in one transaction that holds the
 * {@link ClusterLock}: it sends a batch, waits for the acknowledgements and deletes the longest acknowledged prefix.
 * Rows after a failed one stay and are sent again (same bytes, same CloudEvent id), which keeps each job's records in
 * order on the topic. A commit that wrote rows wakes the relay; otherwise it looks every poll interval, and backs
 * off while Kafka keeps failing. Nothing is lost while Kafka is down: rows simply wait.
 *
 * <p>After a failed round the relay sends one record per round until one is acknowledged. A batch sent into an outage
 * can overtake itself: the producer's sends are serial, so while the first record waits out its metadata timeout the
 * broker may come back, and the records behind it are written while the first one fails; resent, it would land after
 * a later change of its job. One record at a time has nothing behind it to overtake it.
 */
@ApplicationScoped
public class OutboxRelay implements GracefulStop {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private final OutboxConfig config;
    private final KafkaPublisher publisher;
    private final ClusterLock lock;
    private final Tracer tracer;
    private final BackgroundLoop loop = new BackgroundLoop("outbox-relay");
    private final Counter published;
    private final Counter deadLettered;
    private int failures;

    OutboxRelay(OutboxConfig config, KafkaPublisher publisher, ClusterLock lock, Tracing tracing,
                MeterRegistry registry) {
        this.config = config;
        this.publisher = publisher;
        this.lock = lock;
        this.tracer = tracing.tracer();
        this.published = Counter.builder("gateway.outbox.published")
                .description("Kafka records published from the outbox").register(registry);
        this.deadLettered = Counter.builder("gateway.outbox.dead.lettered")
                .description("Kafka records the broker refused for good, set aside as dead letters").register(registry);
    }

    void start(@Observes StartupEvent event) {
        loop.start(this::round);
    }

    @Override
    public void stopBy(Deadline deadline) throws InterruptedException {
        loop.stopBy(deadline);
    }

    /** A committed change wrote rows: look now instead of at the next poll. */
    void onCommittedChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) JobChanged change) {
        wakeUp();
    }

    void wakeUp() {
        loop.wakeUp();
    }

    /** One round of the loop; a wake-up cuts short only an idle wait, never a back-off. */
    private BackgroundLoop.Pause round() {
        Throwable failure;
        try {
            int size = failures == 0 ? config.batchSize() : 1;
            Round round = runRound(size);
            failure = round.failure();
            if (failure == null) {
                if (failures > 0) {
                    LOG.infof("Kafka publishing resumed after %d failed rounds", failures);
                }
                failures = 0;
                return round.published() + round.deadLettered() == size ? BackgroundLoop.Pause.NONE
                        : BackgroundLoop.Pause.idle(config.pollInterval());
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        failures++;
        logFailure(failures, failure);
        return BackgroundLoop.Pause.fixed(backoff(failures));
    }

    /**
     * One round of at most {@code size} records in its own transaction; several replicas may call this at once, the
     * lock lets one through.
     */
    Round runRound(int size) {
        Round round = QuarkusTransaction.requiringNew()
                .timeout((int) config.ackTimeout().plusSeconds(30).toSeconds())
                .call(() -> publishBatch(size));
        published.increment(round.published());
        deadLettered.increment(round.deadLettered());
        return round;
    }

    private Round publishBatch(int size) {
        if (!lock.tryAcquire(ClusterLock.Name.OUTBOX_RELAY)) {
            return new Round(0, 0, null);
        }
        List<OutboxRecord> batch = OutboxRecord.<OutboxRecord>find("order by id").page(0, size).list();
        if (batch.isEmpty()) {
            return new Round(0, 0, null);
        }
        // A span per batch sent (with tracing on): how many records, how many refused for good, any failure.
        Span span = tracer.spanBuilder("outbox publish").setSpanKind(SpanKind.PRODUCER)
                .setAttribute("messaging.system", "kafka").setAttribute("messaging.batch.message_count", batch.size())
                .startSpan();
        try {
            Round round = publish(batch);
            span.setAttribute("outbox.dead_lettered", round.deadLettered());
            if (round.failure() != null) {
                span.setStatus(StatusCode.ERROR, round.failure().toString());
            }
            return round;
        } finally {
            span.end();
        }
    }

    private Round publish(List<OutboxRecord> batch) {
        List<CompletableFuture<Void>> acks = batch.stream().map(publisher::send).toList();
        long deadline = System.nanoTime() + config.ackTimeout().toNanos();
        List<Long> done = new ArrayList<>();
        int refused = 0;
        Throwable failure = null;
        for (int i = 0; i < acks.size() && failure == null; i++) {
            OutboxRecord record = batch.get(i);
            try {
                acks.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                done.add(record.id);
            } catch (ExecutionException e) {
                if (refusedForGood(e.getCause())) {
                    // Set aside, so that one record the broker will never take does not stop the ones behind it.
                    DeadLetter.of(record, describe(e.getCause()), Instant.now()).persist();
                    done.add(record.id);
                    refused++;
                    LOG.warnf("Kafka refused record %s for topic %s for good; it is in the dead letters: %s",
                            record.eventId, record.topic, describe(e.getCause()));
                } else {
                    failure = e.getCause();
                }
            } catch (TimeoutException e) {
                failure = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = e;
            }
        }
        if (!done.isEmpty()) {
            // By id, not by range: a concurrent transaction may still commit a row with a lower id.
            OutboxRecord.delete("id in ?1", done);
        }
        return new Round(done.size() - refused, refused, failure);
    }

    /** What no retry will fix: the record itself is wrong for the broker or the topic. */
    static boolean refusedForGood(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException
                    || t instanceof InvalidRecordException || t instanceof InvalidTopicException
                    || t instanceof CorruptRecordException || t instanceof SerializationException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable failure) {
        return failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
    }

    private Duration backoff(int failures) {
        long millis = 500L << Math.min(failures - 1, 10);
        return Duration.ofMillis(Math.min(millis, config.maxBackoff().toMillis()));
    }

    private static void logFailure(int failures, Throwable failure) {
        // The first failure and then every tenth, so that an outage does not flood the log.
        if (failures == 1 || failures % 10 == 0) {
            LOG.warnf("Kafka publishing failed (%d rounds in a row); the rows wait in the outbox: %s",
                    failures, failure.toString());
        }
    }

    record Round(int published, int deadLettered, Throwable failure) {
    }
}
