package ai.sxwl.gateway.upstream;

import ai.sxwl.gateway.problem.Problem;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Upstream failures as problems: never a 500, never a stack trace. */
public class UpstreamProblems {

    @ServerExceptionMapper
    public Response upstream(UpstreamException e) {
        Response problem = e.toProblem().toResponse();
        if (e.kind() != UpstreamException.Kind.THROTTLED) {
            return problem;
        }
        long seconds = e.retryAfter().map(d -> Math.max(1, d.toSeconds())).orElse(10L);
        return Response.fromResponse(problem).header("Retry-After", seconds).build();
    }

    @ServerExceptionMapper
    public Response circuitOpen(CircuitBreakerOpenException e) {
        return Response.fromResponse(Problem.of(503, "Service Unavailable",
                        "Upstream has been failing; calls to it are paused for a few seconds.").toResponse())
                .header("Retry-After", "10").build();
    }
}
