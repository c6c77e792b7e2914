package ai.sxwl.gateway.publish;

import ai.sxwl.gateway.Database;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;


/**
 * Makes one relay at a time active across replicas, so per-job order holds on the topic: on PostgreSQL a
 * transaction-scoped advisory lock (released at commit or rollback, also when a replica dies); the embedded H2
 * variant is single-node and needs none.
 */
@ApplicationScoped
public class RelayLock {

    /** An arbitrary constant that names the outbox relay among this database's advisory locks. */
    private static final long LOCK_KEY = 0x5358574C_0001L;

    private final EntityManager em;
    private final boolean postgres;

    RelayLock(EntityManager em, Database database) {
        this.em = em;
        this.postgres = database.postgres();
    }

    /** Takes the lock for the current transaction; false when another relay holds it. */
    public boolean tryAcquire() {
        if (!postgres) {
            return true;
        }
        Object acquired = em.createNativeQuery("SELECT pg_try_advisory_xact_lock(?1)")
                .setParameter(1, LOCK_KEY)
                .getSingleResult();
        return Boolean.TRUE.equals(acquired);
    }
}
