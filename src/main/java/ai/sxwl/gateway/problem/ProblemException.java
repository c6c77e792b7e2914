package ai.sxwl.gateway.problem;

import jakarta.ws.rs.core.Response;

/**
 * Thrown anywhere below a resource to end the request with a problem answer. It carries no stack trace: it is an
 * answer, not a fault.
 */
public class ProblemException extends RuntimeException {

    private final Problem problem;
    private final String retryAfterSeconds;

    public ProblemException(Problem problem) {
        this(problem, null);
    }

    private ProblemException(Problem problem, String retryAfterSeconds) {
        super(problem.title() + ": " + problem.detail(), null, false, false);
        this.problem = problem;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ProblemException of(int status, String title, String detail) {
        return new ProblemException(Problem.of(status, title, detail));
    }

    /** 503 with a Retry-After header: the gateway cannot store or reach what it needs right now. */
    public static ProblemException unavailable(String detail, int retryAfterSeconds) {
        return new ProblemException(Problem.of(503, "Service Unavailable", detail), Integer.toString(retryAfterSeconds));
    }

    /** 429 with a Retry-After header: the caller used up its allowance for now. */
    public static ProblemException tooManyRequests(String detail, int retryAfterSeconds) {
        return new ProblemException(Problem.of(429, "Too Many Requests", detail), Integer.toString(retryAfterSeconds));
    }

    public Problem problem() {
        return problem;
    }

    public Response toResponse() {
        Response.ResponseBuilder builder = Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
        if (retryAfterSeconds != null) {
            builder.header("Retry-After", retryAfterSeconds);
        }
        return builder.build();
    }
}
