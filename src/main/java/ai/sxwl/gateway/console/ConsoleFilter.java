package ai.sxwl.gateway.console;

import ai.sxwl.gateway.tenant.CurrentTenant;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.net.URI;
import java.time.Instant;
import java.util.Optional;

/**
 * Console pages need a session: without a valid one the browser is sent to the sign-in page; with one, the request
 * runs as its tenant (the same {@link CurrentTenant} the API key sets), and every form post must carry the session's
 * CSRF token.
 */
public class ConsoleFilter {

    static final String SIGN_IN = "/console/sign-in";

    private final ConsoleSession sessions;
    private final CurrentTenant current;
    private final ConsoleUser user;

    ConsoleFilter(ConsoleSession sessions, CurrentTenant current, ConsoleUser user) {
        this.sessions = sessions;
        this.current = current;
        this.user = user;
    }

    @ServerRequestFilter
    public Optional<Response> authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/console")) {
            return Optional.empty();
        }
        user.language(request.getHeaderString("Accept-Language"));
        // Over https directly, or through a trusted proxy that says so (quarkus.http.proxy.*): cookies go Secure.
        user.secure("https".equals(request.getUriInfo().getRequestUri().getScheme()));
        if (path.equals(SIGN_IN)) {
            return Optional.empty();
        }
        Cookie cookie = request.getCookies().get(ConsoleSession.COOKIE);
        Optional<ConsoleSession.SignedIn> signedIn = sessions.verify(cookie == null ? null : cookie.getValue(),
                Instant.now());
        if (signedIn.isEmpty()) {
            return Optional.of(Response.seeOther(URI.create(SIGN_IN)).build());
        }
        current.set(signedIn.get().tenant());
        user.set(signedIn.get());
        return Optional.empty();
    }
}
