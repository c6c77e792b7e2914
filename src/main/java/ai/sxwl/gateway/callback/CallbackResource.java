package ai.sxwl.gateway.callback;

import ai.sxwl.gateway.problem.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestPath;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The public callback URLs. Order of checks: the token (404), the body (413, 400, 422), then storage: "200" is
 * answered only once the callback is durably stored, and "503" with Retry-After when it cannot be.
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
    private final RecentCallbacks recent;
    private final CallbackMetrics metrics;

    CallbackResource(CallbackParser parser, CallbackTokens tokens, CallbackInbox inbox, RecentCallbacks recent,
                     CallbackMetrics metrics) {
        this.parser = parser;
        this.tokens = tokens;
        this.inbox = inbox;
        this.recent = recent;
        this.metrics = metrics;
    }

    @POST
    @Path("{token}")
    @Operation(summary = "Callback URL injected by the submit proxy (one per submission)")
    public Map<String, Boolean> onToken(@RestPath String token, byte[] body) {
        String submissionId = tokens.verify(token).orElseThrow(CallbackInbox::unknownCallbackUrl);
        ParsedCallback callback = parser.parse(body, false);
        String key = DedupeKey.of(CallbackRoute.TOKEN, submissionId, callback);
        return receive(CallbackRoute.TOKEN, key, () -> inbox.onToken(submissionId, callback, key));
    }

    @POST
    @Operation(summary = "Shared callback URL for jobs submitted to SXWL directly (confirmed by job_status)")
    public Map<String, Boolean> onUntokened(byte[] body) {
        ParsedCallback callback = parser.parse(body, true);
        String key = DedupeKey.of(CallbackRoute.UNTOKENED, null, callback);
        return receive(CallbackRoute.UNTOKENED, key, () -> inbox.onUntokened(callback, key));
    }

    private Map<String, Boolean> receive(CallbackRoute route, String key, Supplier<ReceiptOutcome> store) {
        ReceiptOutcome outcome;
        if (recent.alreadyStored(key)) {
            outcome = ReceiptOutcome.DUPLICATE;
        } else {
            try {
                outcome = store.get();
            } catch (ProblemException e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.warnf("Cannot store a callback (answered 503): %s", e.toString());
                throw ProblemException.unavailable("The callback could not be stored; send it again later.",
                        RETRY_AFTER_SECONDS);
            }
            recent.remember(key);
        }
        metrics.count(route, outcome);
        return RECEIVED;
    }
}
