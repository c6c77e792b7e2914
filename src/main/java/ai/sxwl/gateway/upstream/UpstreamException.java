package ai.sxwl.gateway.upstream;

import ai.sxwl.gateway.problem.Problem;

/**
 * A call to SXWL that did not give a usable answer. Each kind maps to one clear problem for the caller; none is a
 * 500. Only {@link Kind#UNAVAILABLE} and {@link Kind#TIMEOUT} count as upstream faults (retries, circuit breaker).
 */
public class UpstreamException extends RuntimeException {

    public enum Kind {
        /** 401: the tenant's token was refused. */
        REJECTED_TOKEN(502),
        /** 400 on a request: upstream refused it (for job_status: it does not know the job). */
        REFUSED(400),
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

    UpstreamException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    /** The exception for this kind: faults are {@link UpstreamFault}s, which retries and the breaker count. */
    public static UpstreamException of(Kind kind, String message) {
        return kind == Kind.UNAVAILABLE || kind == Kind.TIMEOUT
                ? new UpstreamFault(kind, message) : new UpstreamException(kind, message);
    }

    public Kind kind() {
        return kind;
    }

    public Problem toProblem() {
        String title = switch (kind) {
            case REJECTED_TOKEN, UNAVAILABLE -> "Bad Gateway";
            case REFUSED -> "Bad Request";
            case TIMEOUT -> "Gateway Timeout";
        };
        return Problem.of(kind.status, title, getMessage());
    }
}
