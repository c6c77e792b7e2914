package ai.sxwl.gateway.callback;

import ai.sxwl.gateway.observability.ApplicationGauges;
import ai.sxwl.gateway.background.GracefulStop;
import ai.sxwl.gateway.problem.ProblemException;
import io.micrometer.core.instrument.Gauge;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Group commit. Callbacks queue for a writer thread, which stores everything that arrived while it was busy in one
 * transaction: one commit, one fsync for the lot, and "200" still only after that commit. A callback goes to the
 * writer of its job (or submission), so one job's callbacks are applied in arrival order, and two writers never
 * wait on each other's row locks.
 *
 * <p>A batch the database refuses for a callback's data (a data exception or a broken constraint) is stored again
 * one callback per transaction, so that the bad one fails alone (and one whose new job another transaction created
 * meanwhile finds it). Any other failure is the database's (unreachable, timed out, no connection) and the whole
 * batch is answered 503 at once, as each callback alone would be. A callback that waited
 * {@code gateway.callback.max-wait} without its writer taking it (the writer is stuck on a database that does not
 * answer) is taken out of the queue and answered 503 too: nothing of it was stored.
 */
@ApplicationScoped
public class CallbackWriter implements GracefulStop {

    private static final Logger LOG = Logger.getLogger(CallbackWriter.class);
    private static final long IDLE_CHECK_MILLIS = 200;
    private static final long SWEEP_MILLIS = 100;

    private final CallbackInbox inbox;
    private final int batchSize;
    private final int maxQueued;
    private final List<Lane> lanes = new ArrayList<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final long maxWaitNanos;
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "callback-writer-sweeper");
        thread.setDaemon(true);
        return thread;
    });

    CallbackWriter(CallbackInbox inbox, CallbackConfig config, ApplicationGauges gauges) {
        this.inbox = inbox;
        gauges.register(Gauge.builder("gateway.callbacks.queued", queued, AtomicInteger::get)
                .description("Callbacks received and waiting for their writer to store them"));
        this.batchSize = config.batchSize();
        this.maxQueued = config.maxQueued();
        this.maxWaitNanos = config.maxWait().toNanos();
        for (int i = 0; i < config.writers(); i++) {
            lanes.add(new Lane("callback-writer-" + i));
        }
    }

    void start(@Observes StartupEvent event) {
        lanes.forEach(Lane::start);
        sweeper.scheduleWithFixedDelay(this::dropExpired, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Answers 503 for the callbacks that waited longer than max-wait and are still queued (oldest first). */
    private void dropExpired() {
        long now = System.nanoTime();
        for (Lane lane : lanes) {
            Pending head;
            while ((head = lane.queue.peek()) != null && now - head.queuedAt > maxWaitNanos) {
                if (lane.queue.remove(head)) { // else its writer took it just now
                    queued.decrementAndGet();
                    head.done.completeExceptionally(new Backlog("the callback waited "
                            + maxWaitNanos / 1_000_000 + " ms without being stored"));
                }
            }
        }
    }

    /** HTTP requests have been drained by now: store what is still queued, then stop. */
    @Override
    public void stopBy(Deadline deadline) throws InterruptedException {
        sweeper.shutdownNow();
        lanes.forEach(Lane::close);
        for (Lane lane : lanes) {
            if (!deadline.join(lane.thread)) {
                // Not interrupted (that could cut a transaction short): a daemon, it ends with the process, and its
                // uncommitted batch was never answered 200.
                LOG.warnf("%s is still storing a batch at the shutdown deadline", lane.thread.getName());
            }
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
            return CompletableFuture.failedFuture(new Backlog("too many callbacks are waiting to be stored"));
        }
        Pending pending = new Pending(apply, new CompletableFuture<>(), System.nanoTime());
        Lane lane = lanes.get(Math.floorMod(orderKey.hashCode(), lanes.size()));
        if (lane.closing || !lane.queue.offer(pending)) {
            queued.decrementAndGet();
            return CompletableFuture.failedFuture(new Backlog("the callback writers are stopping"));
        }
        return pending.done;
    }

    /** The database is not keeping up: a callback found the queue full, or waited too long in it. */
    static final class Backlog extends RuntimeException {
        Backlog(String message) {
            super(message, null, false, false);
        }
    }

    /** A callback whose batch ended without answering it (only after an Error). */
    static final class NotStored extends RuntimeException {
        NotStored() {
            super("the callback was not stored", null, false, false);
        }
    }

    private record Pending(Supplier<CallbackReceipt> apply, CompletableFuture<ReceiptOutcome> done, long queuedAt) {
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
            thread.setDaemon(true); // stop() drains it; a JVM that exits without stop() is not held up by it
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
                } catch (Error e) {
                    LOG.errorf(e, "Storing a batch of %d callbacks failed", batch.size());
                } finally {
                    // Whatever happened, no request waits for ever and the writer goes on (no-op for the answered).
                    batch.forEach(pending -> pending.done.completeExceptionally(new NotStored()));
                    batch.clear();
                }
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
        if (!refusedForItsData(batchFailure)) {
            // The database itself failed (unreachable, timed out, no connection): so would each callback alone.
            batch.forEach(pending -> pending.done.completeExceptionally(batchFailure));
            return;
        }
        // Also a batch of one: when another transaction created a callback's new job meanwhile (its key, 23505), the
        // callback alone, stored again, finds the job.
        LOG.debugf("A batch of %d callbacks failed (%s); storing them one by one", batch.size(),
                batchFailure.toString());
        for (Pending pending : batch) {
            try {
                storeBatch(List.of(pending));
            } catch (RuntimeException e) {
                pending.done.completeExceptionally(e);
            }
        }
    }

    /** A data exception (SQLState class 22) or a broken constraint (23): about one callback, not the database. */
    static boolean refusedForItsData(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("23"))) {
                return true;
            }
        }
        return false;
    }

    private static void answer(Pending pending, Applied applied) {
        if (applied.refused != null) {
            pending.done.completeExceptionally(applied.refused);
        } else {
            pending.done.complete(applied.receipt.outcome());
        }
    }
}
