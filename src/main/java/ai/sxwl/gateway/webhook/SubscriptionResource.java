package ai.sxwl.gateway.webhook;

import ai.sxwl.gateway.egress.UrlGuard;
import ai.sxwl.gateway.eventfilter.EventFilters;
import ai.sxwl.gateway.problem.Problem;
import ai.sxwl.gateway.problem.Problem.FieldError;
import ai.sxwl.gateway.problem.ProblemException;
import ai.sxwl.gateway.publish.CloudEvents;
import ai.sxwl.gateway.publish.OperationalEvent;
import ai.sxwl.gateway.tenant.CurrentTenant;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.event.Event;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A tenant's webhook subscriptions. The signing secret is shown only when created or rotated. */
@Path("/api/subscriptions")
@Tag(name = "webhooks", description = "Subscriptions, deliveries, replays")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class SubscriptionResource {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static final int MAX_RATE_PER_SECOND = 10_000;
    private static final String RATE_RULE = "must be a whole number of attempts per second from 1 to "
            + MAX_RATE_PER_SECOND + " (0 on PATCH removes the limit)";

    private final CurrentTenant tenant;
    private final UrlGuard guard;
    private final WebhooksConfig config;
    private final DeliveryDispatcher dispatcher;
    private final Event<OperationalEvent> operations;

    SubscriptionResource(CurrentTenant tenant, UrlGuard guard, WebhooksConfig config, DeliveryDispatcher dispatcher,
                         Event<OperationalEvent> operations) {
        this.operations = operations;
        this.tenant = tenant;
        this.guard = guard;
        this.config = config;
        this.dispatcher = dispatcher;
    }

    /**
     * Create or change a subscription; absent fields are left as they are on PATCH.
     *
     * @param rateLimitPerSecond at most this many attempts a second to the URL (1-10000); absent for no limit, and 0
     *                           on PATCH removes the limit
     * @param filters            CloudEvents Subscriptions API filters (exact, prefix, suffix, all, any, not) over the
     *                           event's attributes and data paths (README, "Event filters"); they AND with eventTypes
     *                           and jobId; absent for none, and [] on PATCH removes them
     */
    public record SubscriptionRequest(String url, List<String> eventTypes, String jobId, String description,
                                      Boolean enabled, Integer rateLimitPerSecond, JsonNode filters) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SubscriptionView(String id, String url, List<String> eventTypes, String jobId, JsonNode filters,
                                   String description, boolean enabled, String disabledReason,
                                   Integer rateLimitPerSecond, Instant createdAt, Instant updatedAt, String secret) {

        /** Reads only what {@link EventFilters#json} wrote: no setting of the application's mapper matters. */
        private static final ObjectMapper STORED = new ObjectMapper();

        static SubscriptionView of(Subscription s, String shownSecret) {
            return new SubscriptionView(s.id, s.url, s.eventTypes == null ? null
                    : s.eventTypeSet().stream().map(SubscriptionView::fullType).sorted().toList(),
                    s.jobId, storedFilters(s.filters), s.description, s.enabled, s.disabledReason,
                    s.rateLimitPerSecond, s.createdAt, s.updatedAt, shownSecret);
        }

        /** Job event types are stored by their short names, operational ones by their full names. */
        private static String fullType(String stored) {
            return CloudEvents.SHORT_TYPES.contains(stored) ? CloudEvents.TYPE_PREFIX + stored : stored;
        }

        private static JsonNode storedFilters(String json) {
            try {
                return json == null ? null : STORED.readTree(json);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Stored filters are not JSON", e);
            }
        }
    }

    @POST
    @Transactional
    @Operation(summary = "Create a subscription; the answer holds its signing secret, shown only this once")
    public Response create(SubscriptionRequest request) {
        if (request == null) {
            throw ProblemException.of(400, "Bad Request", "A JSON object is required.");
        }
        List<FieldError> errors = new ArrayList<>();
        String url = checkedUrl(request.url(), errors);
        String types = eventTypes(request.eventTypes(), errors);
        EventFilters filters = request.filters() == null ? EventFilters.NONE : EventFilters.compile(request.filters(), "/filters", errors);
        checkOptional(request, errors);
        if (request.rateLimitPerSecond() != null && request.rateLimitPerSecond() == 0) {
            errors.add(new FieldError("rateLimitPerSecond", RATE_RULE));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.invalid("The subscription breaks " + errors.size() + " rule(s).",
                    errors));
        }
        // The tenant's signing-key row, locked, serializes its creations, so that two at once cannot pass the cap.
        TenantSigningKey.forTenant(tenant.name(), LockModeType.PESSIMISTIC_WRITE);
        if (Subscription.count("tenant", tenant.name()) >= config.maxSubscriptionsPerTenant()) {
            throw ProblemException.of(422, "Unprocessable Content", "A tenant has at most "
                    + config.maxSubscriptionsPerTenant() + " subscriptions; delete one before creating another.");
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Subscription subscription = new Subscription();
        subscription.id = "sub_" + randomId();
        subscription.tenant = tenant.name();
        subscription.url = url;
        subscription.eventTypes = types;
        subscription.jobId = request.jobId();
        subscription.filters = filters.json();
        subscription.description = request.description();
        subscription.enabled = request.enabled() == null || request.enabled();
        subscription.rateLimitPerSecond = request.rateLimitPerSecond();
        subscription.secret = WebhookSigner.newSecret();
        subscription.createdAt = now;
        subscription.updatedAt = now;
        subscription.persist();
        return Response.status(201).entity(SubscriptionView.of(subscription, subscription.secret)).build();
    }

    @GET
    @Operation(summary = "The tenant's subscriptions")
    public List<SubscriptionView> list() {
        return Subscription.<Subscription>list("tenant", Sort.ascending("createdAt"), tenant.name()).stream()
                .map(s -> SubscriptionView.of(s, null)).toList();
    }

    @GET
    @Path("/{id}")
    public SubscriptionView get(@RestPath String id) {
        return SubscriptionView.of(own(id), null);
    }

    @PATCH
    @Path("/{id}")
    @Transactional
    @Operation(summary = "Change url, event types, job filter, filters ([]: none), description, rate limit (0: none)"
            + " or enabled")
    public SubscriptionView patch(@RestPath String id, SubscriptionRequest request) {
        Subscription subscription = own(id);
        if (request == null) {
            throw ProblemException.of(400, "Bad Request", "A JSON object is required.");
        }
        List<FieldError> errors = new ArrayList<>();
        String url = request.url() == null ? null : checkedUrl(request.url(), errors);
        String types = request.eventTypes() == null ? null : eventTypes(request.eventTypes(), errors);
        EventFilters filters = request.filters() == null ? null : EventFilters.compile(request.filters(), "/filters", errors);
        checkOptional(request, errors);
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.invalid("The change breaks " + errors.size() + " rule(s).", errors));
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        if (url != null) {
            subscription.url = url;
            Delivery.update("url = ?1 where subscriptionId = ?2 and state in ?3", url, id,
                    List.of(DeliveryState.PENDING, DeliveryState.FAILED));
        }
        if (request.eventTypes() != null) {
            subscription.eventTypes = types;
        }
        if (request.jobId() != null) {
            subscription.jobId = request.jobId().isEmpty() ? null : request.jobId();
        }
        if (filters != null) {
            subscription.filters = filters.json();
        }
        if (request.description() != null) {
            subscription.description = request.description();
        }
        if (request.rateLimitPerSecond() != null) {
            subscription.rateLimitPerSecond = request.rateLimitPerSecond() == 0 ? null : request.rateLimitPerSecond();
        }
        if (request.enabled() != null && request.enabled() != subscription.enabled) {
            subscription.enabled = request.enabled();
            if (subscription.enabled) {
                subscription.disabledReason = null;
                subscription.failingSince = null;
                operations.fire(new OperationalEvent(OperationalEvent.Type.SUBSCRIPTION_ENABLED, subscription.tenant,
                        subscription.id, null, null, null, null, now));
                // Deliveries parked while it was disabled go out now.
                Delivery.update("nextAttemptAt = ?1 where subscriptionId = ?2 and state in ?3", now, id,
                        List.of(DeliveryState.PENDING, DeliveryState.FAILED));
                dispatcher.wakeUp();
            }
        }
        subscription.updatedAt = now;
        return SubscriptionView.of(subscription, null);
    }

    @DELETE
    @Path("/{id}")
    @Transactional
    @Operation(summary = "Delete a subscription; its unsent deliveries are dropped (their history stays)")
    public Response delete(@RestPath String id) {
        Subscription subscription = own(id);
        Delivery.update("state = ?1, nextAttemptAt = null where subscriptionId = ?2 and state in ?3",
                DeliveryState.DEAD, id, List.of(DeliveryState.PENDING, DeliveryState.FAILED));
        subscription.delete();
        return Response.noContent().build();
    }

    @POST
    @Path("/{id}/rotate-secret")
    @Transactional
    @Operation(summary = "New signing secret; the old one keeps signing too for gateway.webhooks.rotation-overlap")
    public SubscriptionView rotate(@RestPath String id) {
        Subscription subscription = own(id);
        Instant now = Instant.now();
        subscription.previousSecret = subscription.secret;
        subscription.previousSecretUntil = now.plus(config.rotationOverlap());
        subscription.secret = WebhookSigner.newSecret();
        subscription.updatedAt = now;
        return SubscriptionView.of(subscription, subscription.secret);
    }

    private Subscription own(String id) {
        return Subscription.ownedBy(id, tenant.name());
    }

    private String checkedUrl(String url, List<FieldError> errors) {
        Optional<String> problem = guard.targetProblem(url, true);
        problem.ifPresent(p -> errors.add(new FieldError("url", p)));
        return problem.isPresent() ? null : url;
    }

    /** Event types as short names, comma-joined; null for all. */
    static String eventTypes(List<String> types, List<FieldError> errors) {
        if (types == null || types.isEmpty()) {
            return null;
        }
        Set<String> shortTypes = new LinkedHashSet<>();
        for (String type : types) {
            String shortType = CloudEvents.shortType(type);
            if (!CloudEvents.SHORT_TYPES.contains(shortType) && OperationalEvent.Type.fromWire(type).isEmpty()) {
                errors.add(new FieldError("eventTypes", "unknown type " + type + "; known: ai.sxwl.job."
                        + String.join("|", CloudEvents.SHORT_TYPES.stream().sorted().toList()) + ", and the"
                        + " operational " + String.join(", ", Arrays.stream(OperationalEvent.Type.values())
                        .map(OperationalEvent.Type::wire).toList())));
            }
            shortTypes.add(shortType);
        }
        return String.join(",", shortTypes);
    }

    private static void checkOptional(SubscriptionRequest request, List<FieldError> errors) {
        if (request.description() != null && request.description().length() > 1024) {
            errors.add(new FieldError("description", "must be at most 1024 characters"));
        }
        if (request.jobId() != null && request.jobId().length() > 128) {
            errors.add(new FieldError("jobId", "must be at most 128 characters"));
        }
        Integer rate = request.rateLimitPerSecond();
        if (rate != null && (rate < 0 || rate > MAX_RATE_PER_SECOND)) {
            errors.add(new FieldError("rateLimitPerSecond", RATE_RULE));
        }
    }

    private static String randomId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
