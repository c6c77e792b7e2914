package ai.sxwl.gateway.release;

import ai.sxwl.gateway.settings.RunMode;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The running release: its version (the pom's, reported as {@code gateway_build_info{version=…,generation=…} 1}) and
 * the schema generation it is written for. At start it refuses a schema it cannot safely run on, before anything else
 * starts: one that lacks migrations of this release (the migrate step has not run), or one whose floor a later
 * release's contract migration raised above {@link #GENERATION}. A schema that is merely newer (a later release's
 * expand migrations, which Flyway's validation ignores as "future") is fine: both releases serve side by side during a
 * rolling update.
 */
@ApplicationScoped
public class Release {

    /**
     * The schema generation of this release. A release raises it (and its contract migration raises
     * schema_floor.oldest_generation to it) only when it drops or renames something an older release still uses.
     */
    public static final int GENERATION = 1;

    private final String version;

    Release(@ConfigProperty(name = "quarkus.application.version") String version, MeterRegistry registry) {
        this.version = version;
        Gauge.builder("gateway.build.info", () -> 1).description("The running release: version and schema generation")
                .tag("version", version).tag("generation", Integer.toString(GENERATION)).register(registry);
    }

    public String version() {
        return version;
    }

    void check(@Observes @Priority(0) StartupEvent event, Flyway flyway, AgroalDataSource dataSource)
            throws SQLException {
        if (RunMode.current() == RunMode.MIGRATE) {
            return;
        }
        MigrationInfo[] pending = flyway.info().pending();
        if (pending.length > 0) {
            throw new IllegalStateException("Release " + version + " cannot start: the database lacks its migrations "
                    + Arrays.stream(pending).map(m -> "V" + m.getVersion()).collect(Collectors.joining(", "))
                    + ". Run `java -jar quarkus-run.jar migrate` first (or start with QUARKUS_FLYWAY_MIGRATE_AT_START"
                    + "=true).");
        }
        int floor = floor(dataSource);
        if (floor > GENERATION) {
            throw new IllegalStateException("Release " + version + " (schema generation " + GENERATION + ") cannot"
                    + " start: a later release changed the schema in a way this one cannot work with (it needs"
                    + " generation " + floor + " or later). Run that release or a later one.");
        }
    }

    private static int floor(AgroalDataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT oldest_generation FROM schema_floor WHERE id = 1")) {
            return row.next() ? row.getInt(1) : GENERATION;
        }
    }
}
