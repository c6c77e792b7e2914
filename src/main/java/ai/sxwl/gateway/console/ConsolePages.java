package ai.sxwl.gateway.console;

import ai.sxwl.gateway.callback.ReceiptsResource;
import ai.sxwl.gateway.callback.ReceiptsResource.ReceiptView;
import ai.sxwl.gateway.history.JobStatus;
import ai.sxwl.gateway.history.JobsResource;
import ai.sxwl.gateway.history.JobsResource.EventView;
import ai.sxwl.gateway.history.JobsResource.JobView;
import ai.sxwl.gateway.problem.Problem;
import ai.sxwl.gateway.problem.ProblemException;
import ai.sxwl.gateway.publish.DeadLetterResource;
import ai.sxwl.gateway.publish.DeadLetterResource.DeadLetterView;
import ai.sxwl.gateway.tenant.KeyGuessing;
import ai.sxwl.gateway.webhook.DeliveryResource;
import ai.sxwl.gateway.webhook.DeliveryState;
import ai.sxwl.gateway.webhook.DeliveryResource.DeliveryView;
import ai.sxwl.gateway.webhook.SubscriptionResource;
import ai.sxwl.gateway.webhook.SubscriptionResource.SubscriptionRequest;
import ai.sxwl.gateway.webhook.SubscriptionResource.SubscriptionView;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.RawString;
import io.quarkus.qute.TemplateInstance;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestCookie;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The console's pages. Each reads and acts through the same resources as the API, as the session's tenant (set by
 * {@link ConsoleFilter}), so the console can see and do exactly what that tenant's API key can; every form post checks
 * the session's CSRF token first.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class ConsolePages {

    private static final int BULK = 200;

    @CheckedTemplate(basePath = "console")
    static class Templates {
        static native TemplateInstance signIn(Map<String, String> t, String csrf, String error);

        static native TemplateInstance jobs(Map<String, String> t, Session session, List<JobView> jobs,
                                            List<String> statuses, String status, String q, String label,
                                            String next, RawString chart);

        static native TemplateInstance job(Map<String, String> t, Session session, JobView job,
                                           List<EventView> events, List<ReceiptView> receipts,
                                           List<ReceiptView> anomalies, List<DeliveryView> deliveries);

        static native TemplateInstance deliveries(Map<String, String> t, Session session,
                                                  List<DeliveryView> deliveries, List<String> states,
                                                  String state, List<DeadLetterView> deadLetters);

        static native TemplateInstance subscriptions(Map<String, String> t, Session session,
                                                     List<SubscriptionView> subscriptions, String secret,
                                                     String error);
    }

    /** What the layout shows of the session: the tenant, and the CSRF token of its forms. */
    public record Session(String tenant, String csrf) {
    }

    private final ConsoleSession sessions;
    private final KeyGuessing keys;
    private final ConsoleUser user;
    private final ActivityChart chart;
    private final JobsResource jobs;
    private final ReceiptsResource receipts;
    private final DeliveryResource deliveries;
    private final DeadLetterResource deadLetters;
    private final SubscriptionResource subscriptions;
    private final ObjectMapper mapper;

    ConsolePages(ConsoleSession sessions, KeyGuessing keys, ConsoleUser user, ActivityChart chart, JobsResource jobs,
                 ReceiptsResource receipts, DeliveryResource deliveries, DeadLetterResource deadLetters,
                 SubscriptionResource subscriptions, ObjectMapper mapper) {
        this.mapper = mapper;
        this.sessions = sessions;
        this.keys = keys;
        this.user = user;
        this.chart = chart;
        this.jobs = jobs;
        this.receipts = receipts;
        this.deliveries = deliveries;
        this.deadLetters = deadLetters;
        this.subscriptions = subscriptions;
    }

    @GET
    @Operation(hidden = true)
    public Response root() {
        return Response.seeOther(URI.create("/console/jobs")).build();
    }

    @GET
    @Path("console")
    @Operation(hidden = true)
    public Response console() {
        return root();
    }

    @GET
    @Path("console/sign-in")
    @Operation(hidden = true)
    public Response signInPage() {
        return signInAnswer(200, null);
    }

    @POST
    @Path("console/sign-in")
    @Operation(hidden = true)
    public Response signIn(@RestForm String apiKey, @RestForm String csrf,
                           @RestCookie(ConsoleSession.SIGN_IN_COOKIE) String expected,
                           @Context HttpServerRequest request) {
        if (expected == null || !ConsoleSession.equal(csrf, expected)) {
            return signInAnswer(403, user.labels().get("error"));
        }
        KeyGuessing.Attempt attempt = keys.authenticate(apiKey, request);
        if (attempt instanceof KeyGuessing.Throttled throttled) {
            return Response.fromResponse(signInAnswer(429, user.labels().get("tooManyAttempts")))
                    .header(HttpHeaders.RETRY_AFTER, throttled.seconds()).build();
        }
        if (!(attempt instanceof KeyGuessing.Accepted accepted)) {
            return signInAnswer(401, user.labels().get("wrongKey"));
        }
        return Response.seeOther(URI.create("/console/jobs"))
                .cookie(cookie(ConsoleSession.COOKIE, sessions.start(accepted.tenant(), Instant.now())))
                .cookie(cookie(ConsoleSession.SIGN_IN_COOKIE, ""))
                .build();
    }

    @POST
    @Path("console/sign-out")
    @Operation(hidden = true)
    public Response signOut(@RestForm String csrf, @RestCookie(ConsoleSession.COOKIE) String session) {
        user.checkCsrf(csrf);
        sessions.end(session);
        return Response.seeOther(URI.create(ConsoleFilter.SIGN_IN))
                .cookie(cookie(ConsoleSession.COOKIE, "")).build();
    }

    @GET
    @Path("console/jobs")
    @Operation(hidden = true)
    public TemplateInstance jobList(@RestQuery String status, @RestQuery String q, @RestQuery String label,
                                    @RestQuery String cursor) {
        List<String> statusFilter = status == null || status.isBlank() ? null : List.of(status);
        List<String> labelFilter = label == null || label.isBlank() ? null : List.of(label.trim());
        JobsResource.JobPage page = jobs.list(statusFilter, null, null, q, null, labelFilter, cursor, 50);
        List<String> statuses = Arrays.stream(JobStatus.values()).map(JobStatus::wire).toList();
        return Templates.jobs(user.labels(), session(), page.items(), statuses, status, q, label, page.nextCursor(),
                chart.render(user.tenant(), user.labels(), Instant.now()));
    }

    @GET
    @Path("console/jobs/{jobId}")
    @Operation(hidden = true)
    public TemplateInstance jobTimeline(@RestPath String jobId) {
        JobView job = jobs.get(jobId);
        List<ReceiptView> received = receipts.list(jobId);
        return Templates.job(user.labels(), session(), job, jobs.events(jobId), received,
                received.stream().filter(r -> "anomaly".equals(r.outcome())).toList(),
                deliveries.list(null, null, jobId, null, null, null, BULK).items());
    }

    @GET
    @Path("console/deliveries")
    @Operation(hidden = true)
    public TemplateInstance deliveryList(@RestQuery String state) {
        String filter = state == null || state.isBlank() ? null : state;
        return Templates.deliveries(user.labels(), session(),
                deliveries.list(filter, null, null, null, null, null, 100).items(),
                Arrays.stream(DeliveryState.values()).map(DeliveryState::wire).toList(), filter,
                deadLetters.list(null, 50).items());
    }

    @POST
    @Path("console/deliveries/{id}/redeliver")
    @Operation(hidden = true)
    public Response redeliver(@RestPath long id, @RestForm String csrf) {
        user.checkCsrf(csrf);
        deliveries.redeliver(id);
        return Response.seeOther(URI.create("/console/deliveries")).build();
    }

    @POST
    @Path("console/deliveries/redeliver-dead")
    @Operation(hidden = true)
    public Response redeliverDead(@RestForm String csrf) {
        user.checkCsrf(csrf);
        for (DeliveryView dead : deliveries.list("dead", null, null, null, null, null, BULK).items()) {
            deliveries.redeliver(dead.id());
        }
        return Response.seeOther(URI.create("/console/deliveries")).build();
    }

    @POST
    @Path("console/dead-letters/resend")
    @Operation(hidden = true)
    public Response resendDeadLetters(@RestForm String csrf) {
        user.checkCsrf(csrf);
        deadLetters.resendAll();
        return Response.seeOther(URI.create("/console/deliveries")).build();
    }

    @GET
    @Path("console/subscriptions")
    @Operation(hidden = true)
    public TemplateInstance subscriptionList() {
        return subscriptionsPage(null, null);
    }

    @POST
    @Path("console/subscriptions")
    @Operation(hidden = true)
    public TemplateInstance createSubscription(@RestForm String csrf, @RestForm String url,
                                               @RestForm String description, @RestForm String eventTypes,
                                               @RestForm String rateLimitPerSecond, @RestForm String filters) {
        user.checkCsrf(csrf);
        try {
            JsonNode filterArray = filters == null || filters.isBlank() ? null : mapper.readTree(filters);
            List<String> types = eventTypes == null || eventTypes.isBlank() ? null
                    : Arrays.stream(eventTypes.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            Integer rate = rateLimitPerSecond == null || rateLimitPerSecond.isBlank() ? null
                    : Integer.valueOf(rateLimitPerSecond.trim());
            SubscriptionView created = (SubscriptionView) subscriptions.create(new SubscriptionRequest(url, types,
                    null, description == null || description.isBlank() ? null : description, null, rate, filterArray))
                    .getEntity();
            return subscriptionsPage(created.secret(), null);
        } catch (JsonProcessingException e) {
            return subscriptionsPage(null, "filters: " + user.labels().get("notJson"));
        } catch (NumberFormatException e) {
            return subscriptionsPage(null, "rateLimitPerSecond: " + user.labels().get("rateLimit"));
        } catch (ProblemException e) {
            return subscriptionsPage(null, describe(e.problem()));
        }
    }

    @POST
    @Path("console/subscriptions/{id}/rotate")
    @Operation(hidden = true)
    public TemplateInstance rotateSecret(@RestPath String id, @RestForm String csrf) {
        user.checkCsrf(csrf);
        return subscriptionsPage(subscriptions.rotate(id).secret(), null);
    }

    @POST
    @Path("console/subscriptions/{id}/enabled")
    @Operation(hidden = true)
    public Response setEnabled(@RestPath String id, @RestForm String csrf, @RestForm boolean enabled) {
        user.checkCsrf(csrf);
        subscriptions.patch(id, new SubscriptionRequest(null, null, null, null, enabled, null, null));
        return Response.seeOther(URI.create("/console/subscriptions")).build();
    }

    /** Replaces the subscription's filters; an empty field removes them. */
    @POST
    @Path("console/subscriptions/{id}/filters")
    @Operation(hidden = true)
    public TemplateInstance setFilters(@RestPath String id, @RestForm String csrf, @RestForm String filters) {
        user.checkCsrf(csrf);
        try {
            JsonNode filterArray = filters == null || filters.isBlank() ? mapper.createArrayNode()
                    : mapper.readTree(filters);
            subscriptions.patch(id, new SubscriptionRequest(null, null, null, null, null, null, filterArray));
            return subscriptionsPage(null, null);
        } catch (JsonProcessingException e) {
            return subscriptionsPage(null, "filters: " + user.labels().get("notJson"));
        } catch (ProblemException e) {
            if (e.problem().status() == 404) {
                throw e;
            }
            return subscriptionsPage(null, describe(e.problem()));
        }
    }

    private TemplateInstance subscriptionsPage(String secret, String error) {
        return Templates.subscriptions(user.labels(), session(), subscriptions.list(), secret, error);
    }

    private Session session() {
        return new Session(user.tenant(), user.csrf());
    }

    /** The sign-in form, with a fresh token in its own short-lived cookie (double submit). */
    private Response signInAnswer(int status, String error) {
        String token = ConsoleSession.randomToken(24);
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE)
                .entity(Templates.signIn(user.labels(), token, error))
                .cookie(cookie(ConsoleSession.SIGN_IN_COOKIE, token))
                .build();
    }

    /**
     * A console cookie: HttpOnly, SameSite=Strict, for /console only, Secure whenever the browser came over https
     * (directly or through a trusted proxy); a browser-session cookie (the session's expiry is kept by the server), or
     * deleted when empty.
     */
    private NewCookie cookie(String name, String value) {
        return new NewCookie.Builder(name).value(value).path("/console").httpOnly(true)
                .sameSite(NewCookie.SameSite.STRICT).secure(user.secure())
                .maxAge(value.isEmpty() ? 0 : NewCookie.DEFAULT_MAX_AGE).build();
    }

    private static String describe(Problem problem) {
        StringBuilder text = new StringBuilder(problem.detail() == null ? problem.title() : problem.detail());
        if (problem.errors() != null) {
            problem.errors().forEach(error -> text.append(" ").append(error.field()).append(": ")
                    .append(error.message()).append("."));
        }
        return text.toString();
    }
}
