package ai.sxwl.gateway.callback;

import ai.sxwl.gateway.observability.TraceContext;
import ai.sxwl.gateway.problem.ProblemException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestPath;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The public callback URLs. Order of checks: the token (404), the body (413, 400, 422), then storage: "200" is
 * answered only once the callback is durably stored, and "503" with Retry-After when it cannot be. Checking runs on
 * the I/O thread; storing is the {@link CallbackWriter}'s, so no request thread waits for the database.
 */
@Path("/callbacks/sxwl")
@Tag(name = "callbacks", description = "Where the SXWL cloud reports job outcomes")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class CallbackResource {

    private static final Logger LOG = Logger.getLogger(CallbackResource.class);
    private static final Map<String, Boolean> RECEIVED = Map.of("received", true);
    private static final int RETRY_AFTER_SECONDS = 5;

    private final CallbackParser parser;
    private final CallbackTokens tokens;
    private final CallbackInbox inbox;
    private final CallbackWriter writer;
    private final RecentCallbacks recent;
    private final CallbackMetrics metrics;

    CallbackResource(CallbackParser parser, CallbackTokens tokens, CallbackInbox inbox, CallbackWriter writer,
                     RecentCallbacks recent, CallbackMetrics metrics) {
        this.parser = parser;
        this.tokens = tokens;
        this.inbox = inbox;
        this.writer = writer;
        this.recent = recent;
        this.metrics = metrics;
    }

    @POST
    @Path("{token}")
    @Operation(summary = "Callback URL injected by the submit proxy (one per submission)")
    public CompletionStage<Map<String, Boolean>> onToken(@RestPath String token,
                                                         @HeaderParam("traceparent") String traceparent,
                                                         HttpServerRequest request, byte[] body) {
        String submissionId = tokens.verify(token).orElseThrow(CallbackInbox::unknownCallbackUrl);
        ParsedCallback callback = parser.parse(body, false);
        String key = DedupeKey.of(CallbackRoute.TOKEN, submissionId, callback);
        String trace = TraceContext.of(traceparent); // taken here: the writer's thread has no request
        // One submission's callbacks are applied in order: they name its job, or none yet.
        return receive(new CallbackLine(CallbackRoute.TOKEN, callback.jobId(), request), key, submissionId,
                () -> inbox.onToken(submissionId, callback, key, trace));
    }

    @POST
    @Operation(summary = "Shared callback URL for jobs submitted to SXWL directly (confirmed by job_status)")
    public CompletionStage<Map<String, Boolean>> onUntokened(@HeaderParam("traceparent") String traceparent,
                                                             HttpServerRequest request, byte[] body) {
        ParsedCallback callback = parser.parse(body, true);
        String key = DedupeKey.of(CallbackRoute.UNTOKENED, null, callback);
        String trace = TraceContext.of(traceparent);
        return receive(new CallbackLine(CallbackRoute.UNTOKENED, callback.jobId(), request), key, callback.jobId(),
                () -> inbox.onUntokened(callback, key, trace));
    }

    private CompletionStage<Map<String, Boolean>> receive(CallbackLine line, String key, String orderKey,
                                                          Supplier<CallbackReceipt> apply) {
        if (recent.alreadyStored(key)) {
            metrics.count(line.route(), ReceiptOutcome.DUPLICATE);
            line.stored(ReceiptOutcome.DUPLICATE);
            return CompletableFuture.completedFuture(RECEIVED);
        }
        CompletableFuture<Map<String, Boolean>> answer = new CompletableFuture<>();
        // The answer is written from the request's own I/O thread, not from the writer's, which goes on storing.
        Context context = Vertx.currentContext();
        writer.store(orderKey, apply).whenComplete((outcome, failure) -> {
            if (context == null) {
                settle(answer, line, key, outcome, failure);
            } else {
                context.runOnContext(ignored -> settle(answer, line, key, outcome, failure));
            }
        });
        return answer;
    }

    private void settle(CompletableFuture<Map<String, Boolean>> answer, CallbackLine line, String key,
                        ReceiptOutcome outcome, Throwable failure) {
        if (failure == null) {
            recent.remember(key);
            metrics.count(line.route(), outcome);
            line.stored(outcome);
            answer.complete(RECEIVED);
        } else if (failure instanceof ProblemException problem) {
            line.refused(problem.problem().status());
            answer.completeExceptionally(problem);
        } else {
            line.refused(503);
            LOG.warnf("Cannot store a callback (answered 503): %s", failure.toString());
            answer.completeExceptionally(ProblemException.unavailable(
                    "The callback could not be stored; send it again later.", RETRY_AFTER_SECONDS));
        }
    }
}
