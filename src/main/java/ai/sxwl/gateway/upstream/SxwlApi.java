package ai.sxwl.gateway.upstream;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The three SXWL calls, raw: answers are read by {@link SxwlClient}, since upstream errors are not always JSON. */
@Path("/userJob")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.WILDCARD)
public interface SxwlApi {

    @POST
    Response create(@HeaderParam("Authorization") String authorization, String jobSpec);

    @POST
    @Path("/job_status")
    Response status(@HeaderParam("Authorization") String authorization, String jobId);

    @POST
    @Path("/job_del")
    Response delete(@HeaderParam("Authorization") String authorization, String jobId);
}
