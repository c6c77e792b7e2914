package ai.sxwl.gateway.release;

import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The migrate command tries a run again when PostgreSQL chose its script as a deadlock's victim: a script that alters
 * two tables holds the first while it waits for the second, and the serving release's transaction that holds a row
 * of the second asks for one of the first (the rolling-upgrade rehearsal: V10 against a 0.5.0 submit).
 */
@QuarkusTest
class SchemaMigrationRetryTest {

    /** How long the script has waited before the serving transaction closes the circle: its deadlock check fires first. */
    private static final long HEAD_START_MILLIS = 300;

    @Test
    void aMigrationThatLostADeadlockIsTriedAgainAndApplied() throws Exception {
        try (Connection setup = connect(); Statement sql = setup.createStatement()) {
            sql.execute("CREATE TABLE rehearsal_first (id INT PRIMARY KEY)");
            sql.execute("CREATE TABLE rehearsal_second (id INT PRIMARY KEY)");
            sql.execute("INSERT INTO rehearsal_first VALUES (1)");
            Flyway laterRelease = Flyway.configure().dataSource(url(), user(), password())
                    .locations("classpath:release/later-release").table("rehearsal_schema_history")
                    .baselineOnMigrate(true).baselineVersion("0").load();
            try (Connection serving = connect(); Statement work = serving.createStatement()) {
                serving.setAutoCommit(false);
                work.execute("INSERT INTO rehearsal_second VALUES (1)");
                CompletableFuture<Boolean> migrated =
                        CompletableFuture.supplyAsync(() -> new SchemaMigration(laterRelease).migrate());
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                        .until(() -> scriptWaitingMillis(sql) >= HEAD_START_MILLIS);
                work.executeQuery("SELECT id FROM rehearsal_first FOR UPDATE").close(); // the circle
                serving.commit();
                assertTrue(migrated.get(120, TimeUnit.SECONDS), "migrate applied the script in the end");
            }
            try (ResultSet column = sql.executeQuery("SELECT count(*) FROM information_schema.columns"
                    + " WHERE column_name = 'later_release_note' AND table_name LIKE 'rehearsal_%'")) {
                column.next();
                assertTrue(column.getInt(1) == 2, "both tables altered");
            }
        } finally {
            try (Connection cleanup = connect(); Statement sql = cleanup.createStatement()) {
                sql.execute("DROP TABLE IF EXISTS rehearsal_first, rehearsal_second, rehearsal_schema_history");
            }
        }
    }

    /** How long the script's statement on the second table has waited for its lock (0 while it does not wait). */
    private static long scriptWaitingMillis(Statement sql) throws SQLException {
        try (ResultSet waiting = sql.executeQuery("SELECT COALESCE(MAX(EXTRACT(EPOCH FROM clock_timestamp()"
                + " - query_start) * 1000), 0) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                + " AND query LIKE '%ALTER TABLE rehearsal_second%' AND pid <> pg_backend_pid()")) {
            waiting.next();
            return waiting.getLong(1);
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), user(), password());
    }

    private static String url() {
        return ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
    }

    private static String user() {
        return ConfigProvider.getConfig().getValue("quarkus.datasource.username", String.class);
    }

    private static String password() {
        return ConfigProvider.getConfig().getValue("quarkus.datasource.password", String.class);
    }
}
