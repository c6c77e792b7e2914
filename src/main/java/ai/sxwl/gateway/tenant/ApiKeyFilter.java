package ai.sxwl.gateway.tenant;

import ai.sxwl.gateway.problem.Problem;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Optional;

/**
 * Every /api/** request needs {@code Authorization: Bearer <api key>} of a configured tenant; missing or wrong is a
 * 401 problem that says nothing about which tenants exist, and a sender of too many wrong keys gets a 429 with
 * {@code Retry-After} ({@link KeyGuessing}). /callbacks/**, /q/** and the event contract under /api/schema/ are public.
 */
public class ApiKeyFilter {

    private static final String BEARER = "Bearer ";
    /** The event contract (JSON Schema, AsyncAPI): public, like any schema. */
    private static final String PUBLIC_SCHEMAS = "/api/schema/";

    private final KeyGuessing keys;
    private final CurrentTenant current;

    ApiKeyFilter(KeyGuessing keys, CurrentTenant current) {
        this.keys = keys;
        this.current = current;
    }

    @ServerRequestFilter
    public Optional<Response> authenticate(ContainerRequestContext request, HttpServerRequest http) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/") || path.startsWith(PUBLIC_SCHEMAS)) {
            return Optional.empty();
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        String key = header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? header.substring(BEARER.length()) : null;
        KeyGuessing.Attempt attempt = keys.authenticate(key, http);
        if (attempt instanceof KeyGuessing.Accepted accepted) {
            current.set(accepted.tenant());
            return Optional.empty();
        }
        if (attempt instanceof KeyGuessing.Throttled throttled) {
            return Optional.of(Response.fromResponse(Problem.of(429, "Too Many Requests",
                            "Too many wrong API keys from this client; try again after Retry-After seconds.")
                    .toResponse()).header(HttpHeaders.RETRY_AFTER, throttled.seconds()).build());
        }
        return Optional.of(Response.fromResponse(Problem.of(401, "Unauthorized",
                        "Authorization: Bearer <API key> is missing or not a key of this gateway.").toResponse())
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build());
    }
}
