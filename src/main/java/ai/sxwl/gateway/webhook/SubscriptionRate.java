package ai.sxwl.gateway.webhook;

import jakarta.persistence.EntityManager;

import java.time.Duration;
import java.time.Instant;

/**
 * A subscription's rate limit: attempts at least {@code 1 s / limit} apart, with no burst, so that no second holds more
 * than {@code limit} of them (a backlog or a replay drains at the limit). Its one piece of state, the earliest instant
 * of the next attempt, is kept in the subscription's row, so the dispatchers of all replicas share it; each claim
 * reads it and writes it back without a lock, which makes the limit approximate across replicas (two claims at the
 * same instant can both take the same slot) and exact on one.
 */
final class SubscriptionRate {

    private final String subscriptionId;
    private final Duration spacing;
    private Instant nextAt;
    private boolean changed;

    SubscriptionRate(Subscription subscription) {
        this.subscriptionId = subscription.id;
        Integer limit = subscription.rateLimitPerSecond;
        this.spacing = limit == null ? null : Duration.ofNanos(Duration.ofSeconds(1).toNanos() / limit);
        this.nextAt = subscription.rateNextAt;
    }

    /** Spends a slot for an attempt now: null when allowed, else the instant from which one will be. */
    Instant take(Instant now) {
        if (spacing == null) {
            return null;
        }
        if (nextAt != null && nextAt.isAfter(now)) {
            return nextAt;
        }
        nextAt = now.plus(spacing);
        changed = true;
        return null;
    }

    /** Writes the state back, this column alone (a concurrent PATCH of the subscription keeps its other columns). */
    void save(EntityManager em) {
        if (changed) {
            em.createNativeQuery("UPDATE subscription SET rate_next_at = ?1 WHERE id = ?2")
                    .setParameter(1, nextAt)
                    .setParameter(2, subscriptionId)
                    .executeUpdate();
        }
    }
}
