package ai.sxwl.gateway.callback;

import io.vertx.core.http.HttpServerRequest;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The one log line of a callback that reached storage (category {@code ai.sxwl.gateway.callbacks}): job id, route,
 * outcome and request id, as MDC fields too, so that a JSON log has them as fields. The request id is the caller's
 * {@code X-Request-Id} when it is a plain token, else a new one; either way it is answered in {@code X-Request-Id}.
 * Nothing of the body beyond the job id, and never the callback URL's token, is logged.
 */
final class CallbackLine {

    private static final Logger LOG = Logger.getLogger("ai.sxwl.gateway.callbacks");
    private static final String HEADER = "X-Request-Id";
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private final CallbackRoute route;
    private final String jobId;
    private final String requestId;

    CallbackLine(CallbackRoute route, String jobId, HttpServerRequest request) {
        this.route = route;
        this.jobId = jobId;
        String given = request.getHeader(HEADER);
        this.requestId = given != null && PLAIN.matcher(given).matches() ? given
                : HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()); // unique enough, never contended
        request.response().putHeader(HEADER, requestId);
    }

    CallbackRoute route() {
        return route;
    }

    void stored(ReceiptOutcome outcome) {
        log(outcome.wire());
    }

    void refused(int status) {
        log("refused " + status);
    }

    private void log(String outcome) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        MDC.put("jobId", jobId == null ? "" : jobId);
        MDC.put("route", route.wire());
        MDC.put("outcome", outcome);
        MDC.put("requestId", requestId);
        try {
            LOG.infof("callback %s job=%s outcome=%s request=%s", route.wire(),
                    jobId == null ? "-" : jobId, outcome, requestId);
        } finally {
            MDC.remove("jobId");
            MDC.remove("route");
            MDC.remove("outcome");
            MDC.remove("requestId");
        }
    }
}
