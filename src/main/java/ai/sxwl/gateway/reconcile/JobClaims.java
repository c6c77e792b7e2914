package ai.sxwl.gateway.reconcile;

import ai.sxwl.gateway.settings.Database;
import ai.sxwl.gateway.tenant.TenantRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Hands out due jobs to one poller each: the claim pushes the job's next poll to a lease's end in the same short
 * transaction, so no other replica (or loop) takes it meanwhile; if the poller dies, the lease simply runs out. On
 * PostgreSQL concurrent claimers skip each other's locked rows (SKIP LOCKED); H2 is single-node.
 *
 * <p>Known jobs come first: jobs named only by an unauthenticated callback ({@code unconfirmed}) get only the room
 * known jobs leave, so a flood of forged callbacks never delays the polls that recover real outcomes. Jobs of tenants
 * without an upstream token are never claimed: nothing could poll them.
 */
@ApplicationScoped
public class JobClaims {

    private final EntityManager em;
    private final String dueQuery;
    private final List<String> pollingTenants;

    JobClaims(EntityManager em, Database database, TenantRegistry tenants) {
        this.em = em;
        this.pollingTenants = tenants.withUpstreamToken();
        this.dueQuery = "SELECT job_id FROM job WHERE unconfirmed = ?1 AND next_poll_at <= ?2 AND tenant IN (?3)"
                + " ORDER BY next_poll_at LIMIT ?4" + (database.postgres() ? " FOR UPDATE SKIP LOCKED" : "");
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<String> claimDue(int limit, Instant now, Instant leaseUntil) {
        if (pollingTenants.isEmpty()) {
            return List.of();
        }
        List<String> ids = new ArrayList<>(due(false, limit, now));
        if (ids.size() < limit) {
            ids.addAll(due(true, limit - ids.size(), now));
        }
        if (!ids.isEmpty()) {
            em.createNativeQuery("UPDATE job SET next_poll_at = ?1 WHERE job_id IN (?2)")
                    .setParameter(1, leaseUntil)
                    .setParameter(2, ids)
                    .executeUpdate();
        }
        return ids;
    }

    @SuppressWarnings("unchecked")
    private List<String> due(boolean unconfirmed, int limit, Instant now) {
        return em.createNativeQuery(dueQuery)
                .setParameter(1, unconfirmed)
                .setParameter(2, now)
                .setParameter(3, pollingTenants)
                .setParameter(4, limit)
                .getResultList();
    }
}
