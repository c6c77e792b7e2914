package ai.sxwl.gateway.webhook;

import ai.sxwl.gateway.settings.Database;
import ai.sxwl.gateway.egress.RetryAfter;
import ai.sxwl.gateway.publish.OperationalEvent;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * The database side of deliveries, one short transaction each: claiming due deliveries (in order per job and
 * target, one replica per delivery), and recording what an attempt came to (delivered, retry later, dead, endpoint
 * disabled).
 */
@ApplicationScoped
public class DeliveryRecorder {

    private final EntityManager em;
    private final WebhooksConfig config;
    private final String dueQuery;
    private final Event<OperationalEvent> operations;

    DeliveryRecorder(EntityManager em, WebhooksConfig config, Database database, Event<OperationalEvent> operations) {
        this.em = em;
        this.config = config;
        this.operations = operations;
        // A delivery waits while an earlier change of its job to the same target is not settled yet.
        this.dueQuery = "SELECT d.id FROM webhook_delivery d WHERE " + CLAIMABLE
                + " ORDER BY d.next_attempt_at LIMIT ?2"
                + (database.postgres() ? " FOR UPDATE SKIP LOCKED" : "");
    }

    /**
     * Due, and not waiting behind an earlier change of its job to the same target. Only deliveries that will be
     * attempted have a next_attempt_at (delivered, dead and parked ones have none), so the range on its index is all.
     */
    private static final String CLAIMABLE = "d.next_attempt_at <= ?1 AND d.state IN ('pending', 'failed')"
            + " AND NOT EXISTS (SELECT 1 FROM webhook_delivery e WHERE e.target_key = d.target_key"
            + " AND e.job_id = d.job_id AND e.seq < d.seq AND e.state IN ('pending', 'failed'))";

    /** When the longest-waiting delivery that could be attempted now fell due, if any does. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    @SuppressWarnings("unchecked")
    Optional<Instant> oldestClaimable(Instant now) {
        List<Object> due = em.createNativeQuery("SELECT d.next_attempt_at FROM webhook_delivery d WHERE " + CLAIMABLE
                + " ORDER BY d.next_attempt_at LIMIT 1", Instant.class).setParameter(1, now).getResultList();
        return due.stream().findFirst().map(Instant.class::cast);
    }

    /** A claimed delivery, with what an attempt needs. */
    record Claim(long id, String messageId, String url, String body, String traceparent, String endpoint,
                 String[] secrets) {
    }

    /** Claims up to {@code limit} due deliveries, in three queries (ids, deliveries, subscriptions) whatever the count. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    @SuppressWarnings("unchecked")
    List<Claim> claimDue(int limit, Instant now, Instant leaseUntil) {
        List<Long> ids = ((List<Number>) em.createNativeQuery(dueQuery).setParameter(1, now).setParameter(2, limit)
                .getResultList()).stream().map(Number::longValue).toList();
        if (ids.isEmpty()) {
            return List.of();
        }
        List<Delivery> deliveries = Delivery.list("id in ?1 order by nextAttemptAt", ids);
        Map<String, Subscription> subscriptions = Subscription.<Subscription>list("id in ?1", deliveries.stream()
                        .map(d -> d.subscriptionId).filter(Objects::nonNull).distinct().toList()).stream()
                .collect(Collectors.toMap(sub -> sub.id, sub -> sub));
        Map<String, String[]> tenantSecrets = new HashMap<>();
        Map<String, SubscriptionRate> rates = new HashMap<>();
        List<Claim> claims = new ArrayList<>();
        for (Delivery delivery : deliveries) {
            String[] secrets;
            String endpoint;
            if (delivery.subscriptionId != null) {
                Subscription subscription = subscriptions.get(delivery.subscriptionId);
                if (subscription == null || !subscription.enabled) {
                    delivery.nextAttemptAt = null; // parked until the subscription is enabled again
                    continue;
                }
                Instant allowedAt = rates.computeIfAbsent(subscription.id, id -> new SubscriptionRate(subscription))
                        .take(now);
                if (allowedAt != null) {
                    delivery.nextAttemptAt = allowedAt; // over the subscription's rate: not attempted before then
                    continue;
                }
                secrets = subscription.signingSecrets(now);
                endpoint = subscription.id;
            } else {
                secrets = tenantSecrets.computeIfAbsent(delivery.tenant, tenant ->
                        TenantSigningKey.forTenant(tenant, LockModeType.NONE).signingSecrets(now));
                endpoint = "job:" + URI.create(delivery.url).getHost();
            }
            delivery.nextAttemptAt = leaseUntil;
            claims.add(new Claim(delivery.id, delivery.messageId, delivery.url, delivery.body, delivery.traceparent,
                    endpoint, secrets));
        }
        rates.values().forEach(rate -> rate.save(em));
        return claims;
    }

    /** Not attempted (its endpoint is busy or paused): due again at {@code until}, no attempt counted. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    void postpone(long id, Instant until) {
        Delivery.<Delivery>findByIdOptional(id).ifPresent(d -> d.nextAttemptAt = until);
    }

    /** Records an attempt and decides what comes next; returns the delivery's new state. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    DeliveryState record(long id, AttemptResult result, Instant at) {
        Delivery delivery = Delivery.lock(id);
        DeliveryAttempt attempt = new DeliveryAttempt();
        attempt.deliveryId = id;
        attempt.attemptedAt = at;
        attempt.statusCode = result.status();
        attempt.latencyMs = result.latencyMs();
        attempt.error = truncate(result.error(), 255);
        attempt.responseExcerpt = truncate(result.excerpt(), 1024);
        attempt.persist();

        Subscription subscription = delivery.subscriptionId == null ? null
                : Subscription.findById(delivery.subscriptionId);
        delivery.lastStatus = result.status();
        delivery.updatedAt = at;
        if (result.succeeded()) {
            delivery.state = DeliveryState.DELIVERED;
            delivery.nextAttemptAt = null;
            if (subscription != null) {
                subscription.failingSince = null;
            }
            return delivery.state;
        }
        if (result.gone()) {
            delivery.state = DeliveryState.DEAD;
            delivery.nextAttemptAt = null;
            announceDead(delivery, at);
            if (subscription != null) {
                disable(subscription, "the endpoint answered 410 Gone", at);
            }
            return delivery.state;
        }
        delivery.attempts++;
        List<Duration> schedule = config.retrySchedule();
        if (delivery.attempts > schedule.size()) {
            delivery.state = DeliveryState.DEAD;
            delivery.nextAttemptAt = null;
            announceDead(delivery, at);
        } else {
            delivery.state = DeliveryState.FAILED;
            delivery.nextAttemptAt = at.plus(delay(schedule.get(delivery.attempts - 1), result));
        }
        if (subscription != null) {
            if (subscription.failingSince == null) {
                subscription.failingSince = at;
            } else if (subscription.enabled && subscription.failingSince.plus(config.disableAfter()).isBefore(at)) {
                disable(subscription, "failing without a success since " + subscription.failingSince, at);
            }
        }
        return delivery.state;
    }

    private void disable(Subscription subscription, String reason, Instant at) {
        if (!subscription.enabled) {
            return;
        }
        subscription.enabled = false;
        subscription.disabledReason = reason;
        subscription.updatedAt = at;
        em.createNativeQuery("INSERT INTO endpoint_disabled (subscription_id, reason, disabled_at) VALUES (?1, ?2, ?3)")
                .setParameter(1, subscription.id).setParameter(2, reason).setParameter(3, at).executeUpdate();
        operations.fire(new OperationalEvent(OperationalEvent.Type.SUBSCRIPTION_DISABLED, subscription.tenant,
                subscription.id, reason, null, null, null, at));
    }

    /**
     * A subscription's delivery went dead: its tenant hears of it. Not for a job's own callback URL (no subscription
     * to name), nor for an operational event's delivery, which would echo between two failing endpoints.
     */
    private void announceDead(Delivery delivery, Instant at) {
        if (delivery.subscriptionId != null && OperationalEvent.Type.fromWire(delivery.eventType).isEmpty()) {
            operations.fire(new OperationalEvent(OperationalEvent.Type.DELIVERY_DEAD, delivery.tenant,
                    delivery.subscriptionId, null, delivery.jobId, delivery.eventId, delivery.messageId, at));
        }
    }

    /** The scheduled delay with ±20% jitter, or longer when a 429/503 asked for it with Retry-After. */
    private Duration delay(Duration scheduled, AttemptResult result) {
        Duration delay = Duration.ofMillis((long) (scheduled.toMillis() * ThreadLocalRandom.current()
                .nextDouble(0.8, 1.2)));
        if (result.status() != null && (result.status() == 429 || result.status() == 503)) {
            Duration asked = RetryAfter.parse(result.retryAfter()).orElse(null);
            if (asked != null && asked.compareTo(delay) > 0) {
                delay = asked.compareTo(config.maxRetryAfter()) > 0 ? config.maxRetryAfter() : asked;
            }
        }
        return delay;
    }

    /** At most {@code max} characters, none that the database cannot store. */
    private static String truncate(String value, int max) {
        return value == null ? null : WebhookSender.printable(value.length() <= max ? value : value.substring(0, max));
    }
}
