package ai.sxwl.gateway;

import ai.sxwl.gateway.settings.RunMode;
import ai.sxwl.gateway.release.SchemaMigration;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;

/**
 * The jar's entry point. {@code java -jar quarkus-run.jar} serves; {@code java -jar quarkus-run.jar migrate} applies
 * the pending database migrations (retrying one that waited too long for a lock) and exits 0, or 1 when they failed:
 * the step a Kubernetes Job or a compose one-shot runs before a rolling update, while the previous release serves. It
 * takes a replica's settings (and checks them as a replica does), with the credentials of a role that may change the
 * schema.
 */
@QuarkusMain
public class GatewayMain {

    public static void main(String... args) {
        if (args.length == 0) {
            Quarkus.run(args);
        } else if (args.length == 1 && args[0].equals("migrate")) {
            RunMode.MIGRATE.enter();
            // Flyway runs in the command (with its retries), not at start; no port is opened, no scheduled task runs.
            System.setProperty("quarkus.flyway.migrate-at-start", "false");
            System.setProperty("quarkus.http.host-enabled", "false");
            System.setProperty("quarkus.scheduler.enabled", "false");
            Quarkus.run(Migrate.class, args);
        } else {
            System.err.println("Usage: java -jar quarkus-run.jar [migrate]");
            System.exit(2);
        }
    }

    /** The migrate command. */
    public static class Migrate implements QuarkusApplication {

        @Inject
        SchemaMigration migration;

        @Override
        public int run(String... args) {
            return migration.migrate() ? 0 : 1;
        }
    }
}
