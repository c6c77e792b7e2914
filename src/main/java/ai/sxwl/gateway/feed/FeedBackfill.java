package ai.sxwl.gateway.feed;

import ai.sxwl.gateway.observability.ApplicationGauges;
import ai.sxwl.gateway.observability.DependencyHealth;
import io.micrometer.core.instrument.Gauge;
import io.quarkus.runtime.Startup;
import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.inject.Default;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Numbers the changes that existed before the events feed (the upgrade that added feed positions left theirs empty):
 * once each, in the order they happened ({@code occurred_at, id}: a job's changes keep their order), in batches, and
 * all of them before any newer change, so that a consumer reading the feed from the start sees the old history first,
 * in that order, and then every later change in commit order. The work and its progress (a keyset cursor) live in the
 * table {@code feed_backfill}, so a restart or another replica carries on where it stopped. The sequencer runs each
 * batch in its own transaction under its cluster lock. Progress: {@code gateway_feed_backfill_remaining} and the
 * {@code feed-backfill} check of the dependencies group, down while older changes wait (the feed holds back newer ones
 * until then; callbacks are stored as ever).
 */
@HealthGroup(DependencyHealth.GROUP)
@Default // also the sequencer's
@Singleton
@Startup // its gauge exists from the start
public class FeedBackfill implements HealthCheck {

    static final int BATCH = 5000;
    private static final long UNKNOWN = -1;

    private final AtomicLong remaining = new AtomicLong(UNKNOWN);
    private final FeedPositions positions;
    private volatile boolean finished;

    FeedBackfill(ApplicationGauges gauges, FeedPositions positions) {
        this.positions = positions;
        gauges.register(Gauge.builder("gateway.feed.backfill.remaining", this, backfill -> backfill.finished ? 0
                        : Math.max(0, backfill.remaining.get()))
                .description("Changes from before the events feed still waiting for their feed position"));
    }

    /** As of the last pass: no change from before the feed waits. */
    boolean finished() {
        return finished;
    }

    /**
     * Numbers the next batch of older changes on this connection (in the caller's transaction, under its lock): how
     * many it numbered; when none wait any more, it records the end and answers 0 (and {@link #finished()} is true).
     */
    int numberNextBatch(Connection connection) throws SQLException {
        Long lastEventId;
        OffsetDateTime afterOccurredAt;
        long afterId;
        try (PreparedStatement select = connection.prepareStatement("SELECT last_event_id, after_occurred_at,"
                + " after_id FROM feed_backfill WHERE id = 1 AND finished_at IS NULL");
             ResultSet row = select.executeQuery()) {
            finished = !row.next(); // read on each pass: another replica may have ended it
            if (finished) {
                remaining.set(UNKNOWN);
                return 0;
            }
            lastEventId = row.getObject(1, Long.class);
            afterOccurredAt = row.getObject(2, OffsetDateTime.class);
            afterId = row.getLong(3);
        }
        if (lastEventId == null) {
            return finish(connection);
        }
        if (remaining.get() == UNKNOWN) {
            remaining.set(count(connection, lastEventId));
        }
        List<Long> ids = new ArrayList<>();
        OffsetDateTime lastOccurredAt = null;
        // The keyset walks the index on (occurred_at, id); each batch starts where the one before ended.
        try (PreparedStatement select = connection.prepareStatement("SELECT id, occurred_at FROM job_event"
                + " WHERE feed_position IS NULL AND id <= ?"
                + (afterOccurredAt == null ? "" : " AND occurred_at >= ? AND (occurred_at > ? OR id > ?)")
                + " ORDER BY occurred_at, id LIMIT " + BATCH)) {
            select.setLong(1, lastEventId);
            if (afterOccurredAt != null) {
                select.setObject(2, afterOccurredAt);
                select.setObject(3, afterOccurredAt);
                select.setLong(4, afterId);
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getLong(1));
                    lastOccurredAt = rows.getObject(2, OffsetDateTime.class);
                }
            }
        }
        if (ids.isEmpty()) {
            return finish(connection);
        }
        positions.assign(connection, ids); // in the list's order, so positions follow (occurred_at, id)
        try (PreparedStatement progress = connection.prepareStatement("UPDATE feed_backfill SET after_occurred_at = ?,"
                + " after_id = ? WHERE id = 1")) {
            progress.setObject(1, lastOccurredAt);
            progress.setLong(2, ids.get(ids.size() - 1));
            progress.executeUpdate();
        }
        remaining.updateAndGet(left -> Math.max(0, left - ids.size()));
        return ids.size();
    }

    /**
     * Records the end. A change below last_event_id that committed after the cursor had passed its time (a
     * transaction in flight during the upgrade) is numbered by the sequencer afterwards, in id order, with the new ones.
     */
    private int finish(Connection connection) throws SQLException {
        try (PreparedStatement done = connection.prepareStatement(
                "UPDATE feed_backfill SET finished_at = CURRENT_TIMESTAMP WHERE id = 1")) {
            done.executeUpdate();
        }
        finished = true;
        remaining.set(UNKNOWN);
        return 0;
    }

    private static long count(Connection connection, long lastEventId) throws SQLException {
        try (PreparedStatement count = connection.prepareStatement(
                "SELECT COUNT(*) FROM job_event WHERE feed_position IS NULL AND id <= ?")) {
            count.setLong(1, lastEventId);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    @Override
    public HealthCheckResponse call() {
        long left = finished ? 0 : remaining.get();
        // Up until the sequencer's first pass has found older changes waiting (a replica starts up, not down).
        return HealthCheckResponse.named("feed-backfill").status(left <= 0).withData("remaining", Math.max(0, left))
                .build();
    }
}
