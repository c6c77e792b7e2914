package ai.sxwl.gateway.feed;

import ai.sxwl.gateway.background.GracefulStop;
import ai.sxwl.gateway.background.BackgroundLoop;
import ai.sxwl.gateway.background.ClusterLock;
import ai.sxwl.gateway.history.JobChanged;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.EntityManager;
import org.hibernate.Session;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Gives committed changes their feed positions, oldest first, one replica at a time ({@link ClusterLock}): a change
 * that commits after others were numbered is numbered after them, however low its row id. A committed change on this
 * replica wakes it; changes committed on others are found within {@link #IDLE}. Each pass completes {@link #passed()},
 * which the long-polls of this replica wait on: they read again at once when it numbered something, and at least
 * every {@link #IDLE} otherwise (so a waiter never outlives one pass's future: nothing piles up while all is quiet).
 * After an upgrade from before the feed, the passes first number the older changes ({@link FeedBackfill}), and only
 * then the newer ones.
 */
@ApplicationScoped
public class FeedSequencer implements GracefulStop {

    static final Duration IDLE = Duration.ofSeconds(1);
    private static final int BATCH = 500;

    private final EntityManager em;
    private final ClusterLock lock;
    private final FeedBackfill backfill;
    private final FeedPositions positions;
    private final BackgroundLoop loop = new BackgroundLoop("feed-sequencer");
    private final AtomicReference<CompletableFuture<Void>> passed = new AtomicReference<>(new CompletableFuture<>());

    FeedSequencer(EntityManager em, ClusterLock lock, FeedBackfill backfill, FeedPositions positions) {
        this.em = em;
        this.lock = lock;
        this.backfill = backfill;
        this.positions = positions;
    }

    void start(@Observes StartupEvent event) {
        loop.start(() -> sequence() >= BATCH ? BackgroundLoop.Pause.NONE : BackgroundLoop.Pause.idle(IDLE));
    }

    @Override
    public void stopBy(Deadline deadline) throws InterruptedException {
        loop.stopBy(deadline);
    }

    void onCommittedChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) JobChanged change) {
        loop.wakeUp();
    }

    /** Completes when the next pass of this replica's sequencer ends. */
    CompletableFuture<Void> passed() {
        return passed.get();
    }

    /**
     * One pass: numbers a batch of the changes from before the feed while any wait, else up to {@link #BATCH}
     * committed changes in id order; how many.
     */
    int sequence() {
        try {
            return numberCommitted();
        } finally {
            passed.getAndSet(new CompletableFuture<>()).complete(null); // also when the database failed the pass
        }
    }

    private int numberCommitted() {
        return QuarkusTransaction.requiringNew().call(() -> lock.tryAcquire(ClusterLock.Name.EVENT_FEED)
                ? em.unwrap(Session.class).doReturningWork(connection -> {
                    int older = backfill.numberNextBatch(connection);
                    if (!backfill.finished()) {
                        return older;
                    }
                    List<Long> ids = new ArrayList<>();
                    try (PreparedStatement select = connection.prepareStatement("SELECT id FROM job_event"
                            + " WHERE feed_position IS NULL ORDER BY id LIMIT " + BATCH);
                         ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            ids.add(rows.getLong(1));
                        }
                    }
                    positions.assign(connection, ids);
                    return ids.size();
                })
                : 0);
    }
}
