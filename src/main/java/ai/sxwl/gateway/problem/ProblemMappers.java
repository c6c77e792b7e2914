package ai.sxwl.gateway.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every error the REST layer answers becomes problem+json, including the framework's own 404/405/415 and bodies that
 * Jackson cannot read. Unexpected exceptions are logged and answered 500 without any internal detail.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return e.toResponse();
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e) {
        return Problem.of(400, "Bad Request", "The body is not valid JSON: " + e.getOriginalMessage()).toResponse();
    }

    /** JSON of the wrong shape for the endpoint (an array for an object, a string for a list, ...). */
    @ServerExceptionMapper
    public Response wrongShape(MismatchedInputException e) {
        String field = e.getPath().isEmpty() || e.getPath().get(e.getPath().size() - 1).getFieldName() == null
                ? "the body" : e.getPath().get(e.getPath().size() - 1).getFieldName();
        return Problem.of(400, "Bad Request", "Unexpected JSON for " + field + ": " + e.getOriginalMessage())
                .toResponse();
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        Response.StatusType status = e.getResponse().getStatusInfo();
        return Problem.of(status.getStatusCode(), status.getReasonPhrase(), e.getMessage()).toResponse();
    }

    @ServerExceptionMapper(priority = 10_000)
    public Response unexpected(Exception e) {
        LOG.error("Unexpected error while serving a request", e);
        return Problem.of(500, "Internal Server Error", "An unexpected error occurred; it has been logged.").toResponse();
    }
}
