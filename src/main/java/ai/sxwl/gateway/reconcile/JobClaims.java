package ai.sxwl.gateway.reconcile;

import ai.sxwl.gateway.Database;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.List;

/**
 * Hands out due jobs to one poller each: the claim pushes the job's next poll to a lease's end in the same short
 * transaction, so no other replica (or loop) takes it meanwhile; if the poller dies, the lease simply runs out. On
 * PostgreSQL concurrent claimers skip each other's locked rows (SKIP LOCKED); H2 is single-node.
 */
@ApplicationScoped
public class JobClaims {

    private final EntityManager em;
    private final String dueQuery;

    JobClaims(EntityManager em, Database database) {
        this.em = em;
        this.dueQuery = "SELECT job_id FROM job WHERE next_poll_at <= ?1 ORDER BY next_poll_at LIMIT ?2"
                + (database.postgres() ? " FOR UPDATE SKIP LOCKED" : "");
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    @SuppressWarnings("unchecked")
    public List<String> claimDue(int limit, Instant now, Instant leaseUntil) {
        List<String> ids = em.createNativeQuery(dueQuery)
                .setParameter(1, now)
                .setParameter(2, limit)
                .getResultList();
        if (!ids.isEmpty()) {
            em.createNativeQuery("UPDATE job SET next_poll_at = ?1 WHERE job_id IN (?2)")
                    .setParameter(1, leaseUntil)
                    .setParameter(2, ids)
                    .executeUpdate();
        }
        return ids;
    }
}
