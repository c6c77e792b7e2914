package ai.sxwl.gateway.publish;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The published contract of the events, for consumers and their tooling: the JSON Schema (2020-12) of the CloudEvent
 * and its data, and an AsyncAPI 3.0 document of the topics. Public, like any schema: no API key needed.
 */
@Path("/api/schema")
public class EventContractResource {

    static final String JOB_EVENT_SCHEMA = "/schema/job-event.schema.json";
    static final String OPERATIONAL_EVENT_SCHEMA = "/schema/operational-event.schema.json";
    private static final String ASYNCAPI = "/schema/asyncapi.json";

    private final byte[] jobEventSchema = read(JOB_EVENT_SCHEMA);
    private final byte[] operationalEventSchema = read(OPERATIONAL_EVENT_SCHEMA);
    private final byte[] asyncApi = read(ASYNCAPI);

    @GET
    @Path("/job-event.json")
    @Produces("application/schema+json")
    @Operation(summary = "The JSON Schema (2020-12) of the job event CloudEvent and its data")
    public byte[] jobEvent() {
        return jobEventSchema;
    }

    @GET
    @Path("/operational-event.json")
    @Produces("application/schema+json")
    @Operation(summary = "The JSON Schema (2020-12) of the tenants' operational events (webhook disabled, enabled, dead)")
    public byte[] operationalEvent() {
        return operationalEventSchema;
    }

    @GET
    @Path("/asyncapi.json")
    @Produces("application/json")
    @Operation(summary = "AsyncAPI 3.0 document of the job event topics")
    public byte[] asyncApi() {
        return asyncApi;
    }

    private static byte[] read(String resource) {
        try (InputStream in = EventContractResource.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the application");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
