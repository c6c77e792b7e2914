package ai.sxwl.gateway.edge;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The browser security headers on every answer but the operations endpoints (/q, whose Swagger UI needs inline
 * script): no page of the gateway can be framed (clickjacking of Rotate or Disable), run a script or style that is
 * not one of its own files, be sniffed as another type, or leak its URL in a Referer. Console pages and API answers
 * (which carry job data and, on create and rotate, signing secrets) are not stored by browsers or proxies, unless
 * the route chose its own caching.
 */
@ApplicationScoped
public class SecurityHeaders {

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; frame-ancestors 'none'";

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1).handler(context -> {
            String path = context.request().path();
            if (path != null && !path.startsWith("/q/")) {
                boolean noStore = path.startsWith("/console") || path.startsWith("/api/") || path.equals("/");
                context.addHeadersEndHandler(ignored -> {
                    MultiMap headers = context.response().headers();
                    headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
                    headers.set("X-Frame-Options", "DENY");
                    headers.set("X-Content-Type-Options", "nosniff");
                    headers.set("Referrer-Policy", "no-referrer");
                    if (noStore && !headers.contains("Cache-Control")) {
                        headers.set("Cache-Control", "no-store");
                    }
                });
            }
            context.next();
        });
    }
}
