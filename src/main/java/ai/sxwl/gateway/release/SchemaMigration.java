package ai.sxwl.gateway.release;

import jakarta.enterprise.context.ApplicationScoped;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;

/**
 * Applies the pending migrations for the migrate command. Each PostgreSQL script sets a short lock_timeout (and
 * Flyway's connection starts with one), so a statement that would wait behind a long transaction fails at once
 * instead of making every callback's insert queue behind it; the whole run is then tried again after a pause, up to
 * {@link #ATTEMPTS} times (a failed transactional script leaves nothing behind). So is a run whose script PostgreSQL
 * chose as a deadlock's victim: a script that alters several tables can hold one while the serving release's
 * transaction holds a row of the next and asks for the first (seen in the rolling-upgrade rehearsal: V10 against a
 * 0.5.0 submit). Each applied script is reported with
 * how long it ran: the time its transaction held its locks.
 */
@ApplicationScoped
public class SchemaMigration {

    static final int ATTEMPTS = 30;
    static final Duration PAUSE = Duration.ofSeconds(2);
    /** PostgreSQL's lock_not_available (lock_timeout ran out) and deadlock_detected (this script was the victim). */
    private static final Set<String> LOST_A_LOCK = Set.of("55P03", "40P01");
    private static final Logger LOG = Logger.getLogger(SchemaMigration.class);

    private final Flyway flyway;

    SchemaMigration(Flyway flyway) {
        this.flyway = flyway;
    }

    /** True when the schema is up to date. */
    public boolean migrate() {
        for (int attempt = 1; ; attempt++) {
            try {
                MigrateResult result = flyway.migrate();
                for (MigrateOutput applied : result.migrations) {
                    LOG.infof("migrated V%s %s in %d ms", applied.version, applied.description,
                            applied.executionTime);
                }
                LOG.infof("schema at V%s (%d migrations applied)", flyway.info().current() == null ? "-"
                        : flyway.info().current().getVersion(), result.migrationsExecuted);
                return true;
            } catch (FlywayException e) {
                if (attempt >= ATTEMPTS || !lostALock(e)) {
                    LOG.errorf(e, "migration failed (attempt %d of %d)", attempt, ATTEMPTS);
                    return false;
                }
                LOG.warnf("a migration gave up waiting for a lock or lost a deadlock (attempt %d of %d), trying again"
                                + " in %d s: %s",
                        attempt, ATTEMPTS, PAUSE.toSeconds(), rootMessage(e));
                try {
                    Thread.sleep(PAUSE.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    private static boolean lostALock(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && LOST_A_LOCK.contains(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
