package ai.sxwl.gateway.webhook;

import ai.sxwl.gateway.eventfilter.FilterCache;
import ai.sxwl.gateway.eventfilter.FilteredEvent;
import ai.sxwl.gateway.history.JobChanged;
import ai.sxwl.gateway.problem.ProblemException;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/** A tenant's webhook endpoint. */
@Entity
@Table(name = "subscription")
public class Subscription extends PanacheEntityBase {

    @Id
    public String id;

    public String tenant;

    public String url;

    public String description;

    /** Comma-separated short event types; null for all. */
    @Column(name = "event_types")
    public String eventTypes;

    /** Only this job's events; null for all jobs. */
    @Column(name = "job_id")
    public String jobId;

    /**
     * Filters in the CloudEvents Subscriptions API's dialects, as compact JSON ({@code EventFilters#json}); null for
     * none. They AND with the event types and the job id.
     */
    public String filters;

    public boolean enabled;

    @Column(name = "disabled_reason")
    public String disabledReason;

    public String secret;

    @Column(name = "previous_secret")
    public String previousSecret;

    @Column(name = "previous_secret_until")
    public Instant previousSecretUntil;

    /** At most this many attempts a second to the URL, across replicas (approximately); null for no limit. */
    @Column(name = "rate_limit_per_second")
    public Integer rateLimitPerSecond;

    /** The rate limit's state: see {@link SubscriptionRate}. Written by the dispatcher alone, column by column. */
    @Column(name = "rate_next_at", insertable = false, updatable = false)
    public Instant rateNextAt;

    @Column(name = "failing_since")
    public Instant failingSince;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    /** The tenant's subscription, or a 404 problem (another tenant's is not found, like a missing one). */
    static Subscription ownedBy(String id, String tenant) {
        Subscription subscription = findById(id);
        if (subscription == null || !subscription.tenant.equals(tenant)) {
            throw ProblemException.of(404, "Not Found", "No subscription " + id + " of this tenant.");
        }
        return subscription;
    }

    Set<String> eventTypeSet() {
        return eventTypes == null ? Set.of() : Arrays.stream(eventTypes.split(",")).collect(Collectors.toSet());
    }

    /** Whether the change goes to this subscription: its event types, its job and its filters all let it through. */
    boolean wants(JobChanged change, FilteredEvent event, FilterCache filterCache) {
        return (eventTypes == null || eventTypeSet().contains(change.type()))
                && (jobId == null || jobId.equals(change.jobId()))
                && filterCache.of(filters).matches(event);
    }

    /** The secrets that sign now: the current one, and the previous one during its overlap. */
    String[] signingSecrets(Instant now) {
        return WebhookSigner.signingSecrets(secret, previousSecret, previousSecretUntil, now);
    }
}
