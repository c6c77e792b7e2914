package ai.sxwl.gateway.release;

import ai.sxwl.gateway.settings.MigrationSettings;
import ai.sxwl.gateway.testing.TestDatabase;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * V15 builds the feed sequencer's new index concurrently and V15_2 drops the old one. A concurrent build that fails
 * leaves an invalid index of the new name, which V15 (IF NOT EXISTS) skips when run again after a repair: the
 * migration must stop before the old index goes (V15_1), and go through once the operator followed its message.
 */
class FeedIndexSwapTest {

    private static final String DATABASE = TestDatabase.create("sxwl_gateway_index_swap");

    @Test
    void aFailedConcurrentBuildStopsTheMigrationBeforeTheOldIndexIsDropped() throws SQLException {
        flyway("14").migrate();
        try (Connection connection = connect(); Statement sql = connection.createStatement()) {
            // What a V15 whose build failed leaves behind: an INVALID index of that name.
            sql.execute("CREATE TABLE failed_build (v INT)");
            sql.execute("INSERT INTO failed_build VALUES (1), (1)");
            assertThrows(SQLException.class,
                    () -> sql.execute("CREATE UNIQUE INDEX CONCURRENTLY job_event_unnumbered ON failed_build (v)"));
            assertEquals("false", valid(sql, "job_event_unnumbered"));

            FlywayException stopped = assertThrows(FlywayException.class, () -> flyway(null).migrate());
            assertTrue(stopped.getMessage().contains("job_event_unnumbered is missing or invalid"), stopped.getMessage());
            assertEquals("true", valid(sql, "job_event_unsequenced"), "the old index is still there");

            // What the message says to do: V15 counts as applied (it skipped the invalid index), so build it by hand.
            sql.execute("DROP INDEX CONCURRENTLY job_event_unnumbered");
            sql.execute("CREATE INDEX CONCURRENTLY job_event_unnumbered ON job_event (id) WHERE feed_position IS NULL");
            flyway(null).migrate();
            assertEquals("true", valid(sql, "job_event_unnumbered"));
            assertEquals("missing", valid(sql, "job_event_unsequenced"));
        }
    }

    /** "true" or "false" as PostgreSQL holds the index valid, "missing" when there is none of that name. */
    private static String valid(Statement sql, String index) throws SQLException {
        try (ResultSet row = sql.executeQuery("SELECT COALESCE((SELECT indisvalid::text FROM pg_index"
                + " WHERE indexrelid = to_regclass('" + index + "')), 'missing')")) {
            row.next();
            return row.getString(1);
        }
    }

    /** The production build's migrations, configured as the gateway configures them; up to a version if given. */
    private static Flyway flyway(String target) {
        FluentConfiguration configuration = Flyway.configure()
                .dataSource(TestDatabase.jdbcUrl(DATABASE), TestDatabase.USER, TestDatabase.PASSWORD)
                .locations("classpath:db/migration", "classpath:db/vendor/postgresql");
        if (target != null) {
            configuration.target(target);
        }
        new MigrationSettings().customize(configuration);
        return configuration.load();
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(TestDatabase.jdbcUrl(DATABASE), TestDatabase.USER, TestDatabase.PASSWORD);
    }
}
