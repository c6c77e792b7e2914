package ai.sxwl.gateway.submit;

import ai.sxwl.gateway.observability.TraceContext;
import ai.sxwl.gateway.problem.JsonNulls;
import ai.sxwl.gateway.problem.Problem;
import ai.sxwl.gateway.problem.Problem.FieldError;
import ai.sxwl.gateway.problem.ProblemException;
import ai.sxwl.gateway.tenant.CurrentTenant;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The submit proxy: the SXWL API's three calls, same bodies and answers, so a client only changes its base URL
 * (from {@code https://llm.sxwl.ai/api} to {@code <gateway>/api}) and its bearer token (to its gateway API key).
 */
@Path("/api/userJob")
@Tag(name = "submit proxy", description = "Drop-in SXWL API: create, job_status, job_del")
@SecurityRequirement(name = "apiKey")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class SubmitResource {

    /** A job spec (SPEC section 3): larger ones are refused before they are parsed. */
    static final int MAX_SPEC_BYTES = 256 * 1024;

    private final SubmitService submit;
    private final ProxyService proxy;
    private final CurrentTenant tenant;
    private final ObjectMapper mapper;

    SubmitResource(SubmitService submit, ProxyService proxy, CurrentTenant tenant, ObjectMapper mapper) {
        this.submit = submit;
        this.proxy = proxy;
        this.tenant = tenant;
        this.mapper = mapper;
    }

    @POST
    @Operation(summary = "Create a job (SXWL userJob); the callbackUrl becomes this job's downstream webhook;"
            + " labels (Gateway-Labels: k=v,... header and/or a labels object in the body, not sent upstream) stay"
            + " with the job")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(type = SchemaType.OBJECT, description = "The SXWL job spec")))
    public Response create(@HeaderParam("Idempotency-Key") String idempotencyKey,
                           @HeaderParam(JobSpecValidator.LABELS_HEADER) String labels,
                           @HeaderParam("traceparent") String traceparent, byte[] body) {
        if (body.length > MAX_SPEC_BYTES) {
            throw ProblemException.of(413, "Content Too Large",
                    "A job spec is at most " + MAX_SPEC_BYTES + " bytes; this one has " + body.length + ".");
        }
        return submit.submit(tenant.get(), idempotencyKey, labels, readJson(body), TraceContext.of(traceparent))
                .toResponse();
    }

    private JsonNode readJson(byte[] body) {
        try {
            JsonNode spec = body.length == 0 ? null : mapper.readTree(body);
            JsonNulls.refuse(spec);
            return spec;
        } catch (IOException e) {
            throw ProblemException.of(400, "Bad Request", "The body is not valid JSON.");
        }
    }

    @POST
    @Path("/job_status")
    @Operation(summary = "A job's status (answered from history once the job has ended)")
    public ProxyService.StatusAnswer status(@HeaderParam("traceparent") String traceparent,
                                            JobIdRequest request) {
        return proxy.status(tenant.get(), JobIdRequest.validated(request), TraceContext.of(traceparent));
    }

    @POST
    @Path("/job_del")
    @Operation(summary = "Delete a job upstream and record it as cancelled")
    public Map<String, Object> delete(@HeaderParam("traceparent") String traceparent, JobIdRequest request) {
        proxy.delete(tenant.get(), JobIdRequest.validated(request), TraceContext.of(traceparent));
        return Map.of();
    }

    /** {@code {"job_id": "..."}}. */
    public record JobIdRequest(@JsonProperty("job_id") String jobId) {

        static String validated(JobIdRequest request) {
            if (request == null || request.jobId() == null || request.jobId().isBlank()
                    || request.jobId().length() > 128) {
                throw new ProblemException(Problem.invalid("job_id is required.",
                        List.of(new FieldError("job_id", "is required: 1-128 characters"))));
            }
            return request.jobId();
        }
    }
}
