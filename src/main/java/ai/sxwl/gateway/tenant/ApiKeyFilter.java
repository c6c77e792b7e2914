package ai.sxwl.gateway.tenant;

import ai.sxwl.gateway.problem.Problem;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Optional;

/**
 * Every /api/** request needs {@code Authorization: Bearer <api key>} of a configured tenant; missing or wrong is a
 * 401 problem that says nothing about which tenants exist. /callbacks/**, /q/** and the event contract under
 * /api/schema/ are public.
 */
public class ApiKeyFilter {

    private static final String BEARER = "Bearer ";
    /** The event contract (JSON Schema, AsyncAPI): public, like any schema. */
    private static final String PUBLIC_SCHEMAS = "/api/schema/";

    private final TenantRegistry tenants;
    private final CurrentTenant current;

    ApiKeyFilter(TenantRegistry tenants, CurrentTenant current) {
        this.tenants = tenants;
        this.current = current;
    }

    @ServerRequestFilter
    public Optional<Response> authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/") || path.startsWith(PUBLIC_SCHEMAS)) {
            return Optional.empty();
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        Optional<Tenant> tenant = header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? tenants.byApiKey(header.substring(BEARER.length()).trim())
                : Optional.empty();
        if (tenant.isEmpty()) {
            return Optional.of(Response.fromResponse(Problem.of(401, "Unauthorized",
                            "Authorization: Bearer <API key> is missing or not a key of this gateway.").toResponse())
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build());
        }
        current.set(tenant.get());
        return Optional.empty();
    }
}
