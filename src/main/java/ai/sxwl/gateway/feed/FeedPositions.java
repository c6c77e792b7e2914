package ai.sxwl.gateway.feed;

import ai.sxwl.gateway.settings.Database;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Gives changes their feed positions from the feed's sequence, in the order of a list of event ids. On PostgreSQL one
 * statement numbers the whole list (a pass of the sequencer is one UPDATE, not one per change): PostgreSQL evaluates
 * {@code nextval} in a select list after its ORDER BY, so the positions follow the list's order. H2 numbers them one
 * by one in a JDBC batch, in the same order.
 */
@ApplicationScoped
class FeedPositions {

    private static final String POSTGRES = "UPDATE job_event SET feed_position = numbered.position"
            + " FROM (SELECT id, nextval('job_event_feed_position') AS position"
            + " FROM unnest(?::bigint[]) WITH ORDINALITY AS listed(id, place) ORDER BY place) numbered"
            + " WHERE job_event.id = numbered.id";
    private static final String ONE_BY_ONE = "UPDATE job_event SET feed_position ="
            + " NEXT VALUE FOR job_event_feed_position WHERE id = ?";

    private final boolean postgres;

    FeedPositions(Database database) {
        this.postgres = database.postgres();
    }

    /** Numbers these events (in the caller's transaction, under the sequencer's lock), the first one lowest. */
    void assign(Connection connection, List<Long> eventIds) throws SQLException {
        if (eventIds.isEmpty()) {
            return;
        }
        if (postgres) {
            try (PreparedStatement update = connection.prepareStatement(POSTGRES)) {
                update.setArray(1, connection.createArrayOf("bigint", eventIds.toArray()));
                update.executeUpdate();
            }
            return;
        }
        try (PreparedStatement update = connection.prepareStatement(ONE_BY_ONE)) {
            for (long id : eventIds) {
                update.setLong(1, id);
                update.addBatch();
            }
            update.executeBatch();
        }
    }
}
