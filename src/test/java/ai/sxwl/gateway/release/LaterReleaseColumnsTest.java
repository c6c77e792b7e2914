package ai.sxwl.gateway.release;

import ai.sxwl.gateway.history.JobLedger;
import ai.sxwl.gateway.history.JobOwner;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

/**
 * During a rolling update a later release's expand migration adds columns to the tables this release writes, while
 * this release serves. Its inserts must go on at once: an insert whose generated key is read back is sent by the
 * driver as {@code … RETURNING *}, and a statement prepared on the server before the column came fails once per pooled
 * connection ("cached plan must not change result type") — a callback batch answered 503, a poll's answer not
 * recorded. The rolling-upgrade rehearsal saw it in 0.5.0 replicas beside the 0.6.0 migrations.
 */
@QuarkusTest
class LaterReleaseColumnsTest {

    /** Pooled connections warmed at once (each transaction holds its own until all have warmed theirs). */
    private static final int CONNECTIONS = 6;
    /** More executions on one connection than the driver's default threshold (5) for preparing on the server. */
    private static final int WARM_UP = 10;
    /** Changes stored after the new column, one transaction each: more than the pool's connections (20). */
    private static final int AFTER = 30;

    @Inject
    JobLedger ledger;

    @Test
    void changesAreStoredOnWarmConnectionsAfterALaterReleaseAddedAColumnToTheirTable() throws Exception {
        String prefix = "ai-expand-" + UUID.randomUUID() + "-";
        warmConnections(prefix);
        ddl("ALTER TABLE job_event ADD COLUMN later_release_note TEXT");
        try {
            for (int i = 0; i < AFTER; i++) {
                String jobId = prefix + "after-" + i;
                assertDoesNotThrow(() -> QuarkusTransaction.requiringNew().run(() -> submitted(jobId)),
                        "change " + (i + 1) + " after the new column");
            }
        } finally {
            ddl("ALTER TABLE job_event DROP COLUMN later_release_note");
        }
    }

    private void warmConnections(String prefix) throws Exception {
        CountDownLatch allHoldTheirs = new CountDownLatch(CONNECTIONS);
        ExecutorService threads = Executors.newFixedThreadPool(CONNECTIONS);
        try {
            List<Future<?>> warmed = new ArrayList<>();
            for (int c = 0; c < CONNECTIONS; c++) {
                String connection = prefix + c + "-";
                warmed.add(threads.submit(() -> QuarkusTransaction.requiringNew().run(() -> {
                    for (int i = 0; i < WARM_UP; i++) {
                        submitted(connection + i);
                    }
                    allHoldTheirs.countDown();
                    awaitQuietly(allHoldTheirs);
                })));
            }
            for (Future<?> done : warmed) {
                done.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdown();
        }
    }

    private void submitted(String jobId) {
        ledger.submitted(jobId, JobOwner.tenant("acme"), Instant.now(), null, null);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The later release's migrate step: a session of its own, not one of the pool's. */
    private static void ddl(String sql) throws Exception {
        var config = ConfigProvider.getConfig();
        try (Connection db = DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getValue("quarkus.datasource.password", String.class));
             Statement statement = db.createStatement()) {
            statement.execute(sql);
        }
    }
}
