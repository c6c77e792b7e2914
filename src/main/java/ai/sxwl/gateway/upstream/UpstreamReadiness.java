package ai.sxwl.gateway.upstream;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports how the last upstream calls went, without calling upstream. Always UP: SXWL being unreachable must not
 * take the gateway out of service, since receiving callbacks and serving history do not need it.
 */
@Readiness
@ApplicationScoped
public class UpstreamReadiness implements HealthCheck {

    private final SxwlClient client;

    UpstreamReadiness(SxwlClient client) {
        this.client = client;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("sxwl-upstream").up();
        SxwlClient.LastCall last = client.lastCall();
        builder.withData("reachable", last == null ? "unknown" : Boolean.toString(last.reachable()));
        if (last != null) {
            builder.withData("lastCallAt", last.at().toString());
        }
        return builder.build();
    }
}
