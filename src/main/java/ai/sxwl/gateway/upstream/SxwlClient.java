package ai.sxwl.gateway.upstream;

import ai.sxwl.gateway.egress.RetryAfter;
import ai.sxwl.gateway.history.UpstreamStatus;
import ai.sxwl.gateway.upstream.UpstreamException.Kind;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;

import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Calls SXWL with a tenant's token and turns every answer into a value or an {@link UpstreamException}. job_status
 * is retried on faults (it only reads); create is never retried here (the submit proxy's idempotency guard decides);
 * every call goes through a circuit breaker so a failing upstream is not hammered.
 */
@ApplicationScoped
public class SxwlClient {

    private static final int EXCERPT = 200;

    private final SxwlApi api;
    private volatile LastCall lastCall;
    private final ObjectMapper mapper;
    private final long readTimeoutMs;

    SxwlClient(UpstreamConfig config, ObjectMapper mapper) {
        this.mapper = mapper;
        this.readTimeoutMs = config.readTimeout().toMillis();
        this.api = QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(config.baseUrl()))
                .connectTimeout(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(readTimeoutMs, TimeUnit.MILLISECONDS)
                .followRedirects(false)
                .property("microprofile.rest.client.disable.default.mapper", true)
                .build(SxwlApi.class);
    }

    /** Creates a job; returns upstream's job id. */
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 10_000, failOn = UpstreamFault.class)
    public String create(String token, ObjectNode jobSpec) {
        JsonNode answer = call("userJob", () -> api.create(bearer(token), jobSpec.toString()), "");
        JsonNode jobId = answer.get("job_id");
        if (jobId == null || !jobId.isTextual() || jobId.textValue().isEmpty() || jobId.textValue().length() > 128) {
            throw UpstreamException.of(Kind.UNAVAILABLE, "Upstream answered userJob with 200 but no job_id.");
        }
        return jobId.textValue();
    }

    /** job_status for a caller who waits for the answer: faults are retried twice. */
    @Retry(maxRetries = 2, delay = 250, jitter = 100, retryOn = UpstreamFault.class)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 10_000, failOn = UpstreamFault.class)
    public UpstreamJobStatus status(String token, String jobId) {
        return readStatus(token, jobId);
    }

    /**
     * job_status for the reconciler: no immediate retry (each call counts against its rate cap; it backs the job off
     * instead), but the same circuit breaker.
     */
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, failOn = UpstreamFault.class)
    public UpstreamJobStatus poll(String token, String jobId) {
        return readStatus(token, jobId);
    }

    private UpstreamJobStatus readStatus(String token, String jobId) {
        JsonNode answer = call("job_status", () -> api.status(bearer(token), jobIdBody(jobId)), jobId);
        Optional<UpstreamStatus> status = Optional.ofNullable(answer.get("status"))
                .filter(JsonNode::isTextual).flatMap(node -> UpstreamStatus.fromWire(node.textValue()));
        if (status.isEmpty()) {
            throw UpstreamException.of(Kind.UNAVAILABLE,
                    "Upstream answered job_status with 200 but no known status: " + excerpt(answer.toString()));
        }
        JsonNode url = answer.get("url");
        String modelUrl = url != null && url.isTextual() && !url.textValue().isEmpty() ? url.textValue() : null;
        return new UpstreamJobStatus(status.get(), modelUrl);
    }

    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 10_000, failOn = UpstreamFault.class)
    public void delete(String token, String jobId) {
        call("job_del", () -> api.delete(bearer(token), jobIdBody(jobId)), jobId);
    }

    /** Whether upstream answered the last call at all (any HTTP answer counts), and when. */
    public record LastCall(boolean reachable, Instant at) {
    }

    /** The last call's outcome, or null before any call. */
    public LastCall lastCall() {
        return lastCall;
    }

    private JsonNode call(String operation, java.util.function.Supplier<Response> request, String jobId) {
        Response response;
        try {
            response = request.get();
            lastCall = new LastCall(true, Instant.now());
        } catch (ProcessingException e) {
            lastCall = new LastCall(false, Instant.now());
            throw isTimeout(e)
                    ? UpstreamException.of(Kind.TIMEOUT, "Upstream did not answer " + operation + " within "
                    + readTimeoutMs + " ms.")
                    : UpstreamException.of(Kind.UNAVAILABLE, "Upstream is unreachable (" + operation + "): "
                    + rootCause(e).getClass().getSimpleName());
        }
        try (response) {
            int status = response.getStatus();
            String body = response.hasEntity() ? response.readEntity(String.class) : "";
            if (status == 401 || status == 403) {
                throw UpstreamException.of(Kind.REJECTED_TOKEN, "Upstream rejected the tenant's token (" + status
                        + ").");
            }
            if (status == 400 && operation.equals("job_status")) {
                throw UpstreamException.of(Kind.UNKNOWN_JOB, "Upstream does not know job " + jobId
                        + " (unknown or deleted): " + excerpt(body));
            }
            if (status == 429) {
                throw UpstreamException.throttled("Upstream is throttling " + operation + " (429).",
                        RetryAfter.parse(response.getHeaderString("Retry-After")).orElse(null));
            }
            if (status >= 400 && status < 500) {
                throw UpstreamException.of(Kind.REFUSED, "Upstream refused " + operation + " (" + status + "): "
                        + excerpt(body));
            }
            if (status < 200 || status >= 300) {
                throw UpstreamException.of(Kind.UNAVAILABLE, "Upstream answered " + operation + " with " + status
                        + ": " + excerpt(body));
            }
            return parseObject(operation, body);
        }
    }

    private JsonNode parseObject(String operation, String body) {
        if (operation.equals("job_del") && body.isBlank()) {
            return mapper.createObjectNode();
        }
        try {
            JsonNode node = mapper.readTree(body);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (JsonProcessingException e) {
            // falls through: not JSON
        }
        throw UpstreamException.of(Kind.UNAVAILABLE, "Upstream answered " + operation
                + " with 200 but not a JSON object: " + excerpt(body));
    }

    private String jobIdBody(String jobId) {
        return mapper.createObjectNode().put("job_id", jobId).toString();
    }

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    private static String excerpt(String body) {
        String oneLine = body.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= EXCERPT ? oneLine : oneLine.substring(0, EXCERPT) + "…";
    }

    private static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
                return true;
            }
        }
        return false;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
