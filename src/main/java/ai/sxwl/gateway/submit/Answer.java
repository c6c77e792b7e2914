package ai.sxwl.gateway.submit;

import ai.sxwl.gateway.problem.Problem;
import jakarta.ws.rs.core.Response;

/** An answer of the submit proxy as stored for Idempotency-Key replays: status and JSON body. */
record Answer(int status, String json) {

    Response toResponse() {
        return Response.status(status).type(status < 400 ? "application/json" : Problem.MEDIA_TYPE).entity(json)
                .build();
    }
}
