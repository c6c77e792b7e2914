package ai.sxwl.gateway.settings;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Which database this build runs on. Multi-replica coordination (advisory locks, SKIP LOCKED) exists on PostgreSQL
 * only; the embedded H2 variant is single-node and needs none.
 */
@ApplicationScoped
public class Database {

    private final boolean postgres;

    Database(@ConfigProperty(name = "quarkus.datasource.db-kind") String dbKind) {
        this.postgres = dbKind.startsWith("postgres");
    }

    public boolean postgres() {
        return postgres;
    }
}
