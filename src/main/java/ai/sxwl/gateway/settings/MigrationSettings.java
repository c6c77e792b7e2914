package ai.sxwl.gateway.settings;

import io.quarkus.flyway.FlywayConfigurationCustomizer;
import jakarta.inject.Singleton;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;

/**
 * What the online-safe index scripts (db/vendor/postgresql: SET lock_timeout, SET statement_timeout, one
 * {@code CREATE} or {@code DROP INDEX CONCURRENTLY}) need from Flyway, which Quarkus has no setting for:
 * <ul>
 *   <li>its migration lock on PostgreSQL is a session advisory lock, not a transactional one: with the transactional
 *       lock (Flyway's default) a second connection sits in an open transaction for the whole migration, and
 *       {@code CREATE INDEX CONCURRENTLY}, which waits for every older transaction of the database to end, waits for
 *       that one until its lock_timeout cancels it. The session lock still keeps two replicas from migrating at
 *       once;</li>
 *   <li>a script may mix the SET lines with the statement that cannot run in a transaction ({@code mixed}): Flyway
 *       then runs that script outside a transaction, and every other script in one, as before.</li>
 * </ul>
 */
@Singleton
public class MigrationSettings implements FlywayConfigurationCustomizer {

    @Override
    public void customize(FluentConfiguration configuration) {
        configuration.mixed(true);
        configuration.getPluginRegister().getPlugin(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
    }
}
