package ai.sxwl.gateway.callback;

import ai.sxwl.gateway.problem.ProblemException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Group commit. Callbacks queue for a writer thread, which stores everything that arrived while it was busy in one
 * transaction: one commit, one fsync for the lot, and "200" still only after that commit. A callback goes to the
 * writer of its job (or submission), so one job's callbacks are applied in arrival order, and two writers never
 * wait on each other's row locks.
 *
 * <p>A batch that fails as a whole (a database error) is stored again one callback per transaction, so that one
 * callback the database refuses fails alone; after two such failures in a row the database itself is the problem,
 * and the rest of the batch fails at once (the callers answer 503) instead of each waiting for its own timeout.
 */
@ApplicationScoped
public class CallbackWriter {

    private static final Logger LOG = Logger.getLogger(CallbackWriter.class);
    private static final int FAILURES_THAT_MEAN_THE_DATABASE = 2;
    private static final long IDLE_CHECK_MILLIS = 200;

    private final CallbackInbox inbox;
    private final int batchSize;
    private final int maxQueued;
    private final List<Lane> lanes = new ArrayList<>();
    private final AtomicInteger queued = new AtomicInteger();

    CallbackWriter(CallbackInbox inbox, CallbackConfig config, MeterRegistry registry) {
        this.inbox = inbox;
        Gauge.builder("gateway.callbacks.queued", queued, AtomicInteger::get)
                .description("Callbacks received and waiting for their writer to store them").register(registry);
        this.batchSize = config.batchSize();
        this.maxQueued = config.maxQueued();
        for (int i = 0; i < config.writers(); i++) {
            lanes.add(new Lane("callback-writer-" + i));
        }
    }

    void start(@Observes StartupEvent event) {
        lanes.forEach(Lane::start);
    }

    /** HTTP requests have been drained by now: store what is still queued, then stop. */
    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        lanes.forEach(Lane::close);
        for (Lane lane : lanes) {
            lane.thread.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    /**
     * Queues a callback for the writer of {@code orderKey}; completes once it is committed (or has failed).
     *
     * @param apply applies the callback inside the batch's transaction and returns its receipt
     */
    CompletableFuture<ReceiptOutcome> store(String orderKey, Supplier<CallbackReceipt> apply) {
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            return CompletableFuture.failedFuture(new QueueFull());
        }
        Pending pending = new Pending(apply, new CompletableFuture<>());
        Lane lane = lanes.get(Math.floorMod(orderKey.hashCode(), lanes.size()));
        if (lane.closing || !lane.queue.offer(pending)) {
            queued.decrementAndGet();
            return CompletableFuture.failedFuture(new QueueFull());
        }
        return pending.done;
    }

    /** More callbacks are waiting than {@code gateway.callback.max-queued}: the database is not keeping up. */
    static final class QueueFull extends RuntimeException {
        QueueFull() {
            super("too many callbacks are waiting to be stored", null, false, false);
        }
    }

    private record Pending(Supplier<CallbackReceipt> apply, CompletableFuture<ReceiptOutcome> done) {
    }

    /** The answer of one callback within a batch: its receipt, or the problem it was refused with. */
    private record Applied(CallbackReceipt receipt, ProblemException refused) {
    }

    private final class Lane {
        private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
        private final Thread thread;
        private volatile boolean closing;

        Lane(String name) {
            thread = new Thread(this::run, name);
        }

        void start() {
            thread.start();
        }

        void close() {
            closing = true;
        }

        /** Never interrupted: an interrupt could cut a batch's transaction short. */
        private void run() {
            List<Pending> batch = new ArrayList<>(batchSize);
            while (true) {
                Pending first;
                try {
                    first = queue.poll(IDLE_CHECK_MILLIS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                if (first == null) {
                    if (closing) {
                        return; // stopping, and nothing left
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, batchSize - 1);
                queued.addAndGet(-batch.size());
                try {
                    storeBatch(batch);
                } catch (RuntimeException e) {
                    storeOneByOne(batch, e);
                }
                batch.clear();
            }
        }
    }

    private void storeBatch(List<Pending> batch) {
        List<Applied> applied = QuarkusTransaction.requiringNew().call(() -> {
            List<Applied> answers = new ArrayList<>(batch.size());
            List<CallbackReceipt> receipts = new ArrayList<>(batch.size());
            for (Pending pending : batch) {
                try {
                    CallbackReceipt receipt = pending.apply.get();
                    receipts.add(receipt);
                    answers.add(new Applied(receipt, null));
                } catch (ProblemException refused) {
                    answers.add(new Applied(null, refused));
                }
            }
            if (!receipts.isEmpty()) {
                inbox.storeReceipts(receipts);
            }
            return answers;
        });
        for (int i = 0; i < batch.size(); i++) {
            answer(batch.get(i), applied.get(i));
        }
    }

    private void storeOneByOne(List<Pending> batch, RuntimeException batchFailure) {
        if (batch.size() == 1) {
            batch.get(0).done.completeExceptionally(batchFailure);
            return;
        }
        LOG.debugf("A batch of %d callbacks failed (%s); storing them one by one", batch.size(),
                batchFailure.toString());
        RuntimeException last = batchFailure;
        int failuresInARow = 0;
        for (Pending pending : batch) {
            if (failuresInARow >= FAILURES_THAT_MEAN_THE_DATABASE) {
                pending.done.completeExceptionally(last);
                continue;
            }
            try {
                answer(pending, QuarkusTransaction.requiringNew().call(() -> {
                    try {
                        CallbackReceipt receipt = pending.apply.get();
                        inbox.storeReceipts(List.of(receipt));
                        return new Applied(receipt, null);
                    } catch (ProblemException refused) {
                        return new Applied(null, refused);
                    }
                }));
                failuresInARow = 0;
            } catch (RuntimeException e) {
                last = e;
                failuresInARow++;
                pending.done.completeExceptionally(e);
            }
        }
    }

    private static void answer(Pending pending, Applied applied) {
        if (applied.refused != null) {
            pending.done.completeExceptionally(applied.refused);
        } else {
            pending.done.complete(applied.receipt.outcome());
        }
    }
}
