package ai.sxwl.gateway.feed;

import ai.sxwl.gateway.history.Job;
import ai.sxwl.gateway.history.JobChanged;
import ai.sxwl.gateway.history.JobEvent;
import ai.sxwl.gateway.publish.CloudEvents;
import com.fasterxml.jackson.databind.util.RawValue;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import org.hibernate.jpa.HibernateHints;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a tenant's events after a feed position, as the CloudEvents Kafka carries (rebuilt from the history: same id,
 * sequence, data and traceparent). Each read is its own short transaction: a long-poll reads again and again, off the
 * request's thread.
 */
@ApplicationScoped
public class EventFeed {

    private final EntityManager em;
    private final CloudEvents cloudEvents;

    EventFeed(EntityManager em, CloudEvents cloudEvents) {
        this.em = em;
        this.cloudEvents = cloudEvents;
    }

    /** One page: the events, and the position to read after next (the last event's, or {@code after} when none). */
    public record Page(List<RawValue> items, long last) {
    }

    /** @param types short event types to keep; empty for all */
    public Page read(String tenant, long after, Set<String> types, int limit) {
        return QuarkusTransaction.requiringNew().call(() -> {
            TypedQuery<Object[]> query = em.createQuery("SELECT e, j FROM JobEvent e, Job j WHERE j.jobId = e.jobId"
                            + " AND e.tenant = :tenant AND e.feedPosition > :after"
                            + (types.isEmpty() ? "" : " AND e.type IN :types")
                            + " ORDER BY e.feedPosition", Object[].class)
                    .setParameter("tenant", tenant)
                    .setParameter("after", after)
                    .setMaxResults(limit)
                    .setHint(HibernateHints.HINT_READ_ONLY, true);
            if (!types.isEmpty()) {
                query.setParameter("types", types);
            }
            List<Object[]> rows = query.getResultList();
            List<RawValue> items = new ArrayList<>(rows.size());
            long last = after;
            for (Object[] row : rows) {
                JobEvent event = (JobEvent) row[0];
                items.add(new RawValue(cloudEvents.toJson(JobChanged.of((Job) row[1], event))));
                last = event.feedPosition;
            }
            return new Page(items, last);
        });
    }
}
