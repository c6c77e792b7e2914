package ai.sxwl.gateway.upstream;

import ai.sxwl.gateway.problem.Problem;

import java.time.Duration;
import java.util.Optional;

/**
 * A call to SXWL that did not give a usable answer. Each kind maps to one clear problem for the caller; none is a
 * 500. Only {@link Kind#UNAVAILABLE} and {@link Kind#TIMEOUT} count as upstream faults (retries, circuit breaker).
 */
public class UpstreamException extends RuntimeException {

    public enum Kind {
        /** 401: the tenant's token was refused. */
        REJECTED_TOKEN(502),
        /** job_status answered 400: upstream does not know the job (unknown or deleted). The only "not found". */
        UNKNOWN_JOB(400),
        /** Another 4xx: upstream refused the request. For polling, a fault to back off from, never "not found". */
        REFUSED(400),
        /** 429: upstream asks to slow down (see {@link #retryAfter()}). Not retried at once, not "not found". */
        THROTTLED(503),
        /** 5xx, 501, connection refused, or an answer that is not the JSON expected. */
        UNAVAILABLE(502),
        /** No answer within the read timeout. */
        TIMEOUT(504);

        private final int status;

        Kind(int status) {
            this.status = status;
        }
    }

    private final Kind kind;
    private final Duration retryAfter;

    UpstreamException(Kind kind, String message) {
        this(kind, message, null);
    }

    private UpstreamException(Kind kind, String message, Duration retryAfter) {
        super(message, null, false, false);
        this.kind = kind;
        this.retryAfter = retryAfter;
    }

    /** Upstream throttled us (429), asking to wait {@code retryAfter} (null: it did not say). */
    static UpstreamException throttled(String message, Duration retryAfter) {
        return new UpstreamException(Kind.THROTTLED, message, retryAfter);
    }

    /** The exception for this kind: faults are {@link UpstreamFault}s, which retries and the breaker count. */
    public static UpstreamException of(Kind kind, String message) {
        return kind == Kind.UNAVAILABLE || kind == Kind.TIMEOUT
                ? new UpstreamFault(kind, message) : new UpstreamException(kind, message);
    }

    public Kind kind() {
        return kind;
    }

    /** How long upstream asked to wait (429 with Retry-After), if it did. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public Problem toProblem() {
        String title = switch (kind) {
            case REJECTED_TOKEN, UNAVAILABLE -> "Bad Gateway";
            case UNKNOWN_JOB, REFUSED -> "Bad Request";
            case THROTTLED -> "Service Unavailable";
            case TIMEOUT -> "Gateway Timeout";
        };
        return Problem.of(kind.status, title, getMessage());
    }
}
