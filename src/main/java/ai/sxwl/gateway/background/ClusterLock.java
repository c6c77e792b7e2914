package ai.sxwl.gateway.background;

import ai.sxwl.gateway.settings.Database;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/**
 * Work that one replica at a time may do (the outbox relay, so that per-job order holds on the topic; retention; the
 * events feed's sequencer, so that feed positions follow commit order; the webhook fan-out, so that a job's deliveries
 * are created in its order): on
 * PostgreSQL a transaction-scoped advisory lock (released at commit or rollback, also when a replica dies); the
 * embedded H2 variant is single-node and needs none.
 */
@ApplicationScoped
public class ClusterLock {

    /** The locks, each an arbitrary constant among this database's advisory locks. */
    public enum Name {
        OUTBOX_RELAY(0x5358574C_0001L),
        RETENTION(0x5358574C_0002L),
        EVENT_FEED(0x5358574C_0003L),
        WEBHOOK_FAN_OUT(0x5358574C_0004L);

        private final long key;

        Name(long key) {
            this.key = key;
        }
    }

    private final EntityManager em;
    private final boolean postgres;

    ClusterLock(EntityManager em, Database database) {
        this.em = em;
        this.postgres = database.postgres();
    }

    /** Takes the lock for the current transaction; false when another replica holds it. */
    public boolean tryAcquire(Name name) {
        if (!postgres) {
            return true;
        }
        Object acquired = em.createNativeQuery("SELECT pg_try_advisory_xact_lock(?1)")
                .setParameter(1, name.key)
                .getSingleResult();
        return Boolean.TRUE.equals(acquired);
    }
}
