package ai.sxwl.gateway.upstream;

import ai.sxwl.gateway.observability.ApplicationGauges;
import ai.sxwl.gateway.observability.DependencyHealth;
import io.micrometer.core.instrument.Gauge;
import io.quarkus.runtime.Startup;
import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * How the last upstream call went, without calling upstream: down when it got no HTTP answer. A dependency: callbacks
 * and history do not need SXWL, only polling and the submit proxy do.
 */
@HealthGroup(DependencyHealth.GROUP)
@ApplicationScoped
@Startup // its gauge exists from the start
public class UpstreamHealthCheck implements HealthCheck {

    private final SxwlClient client;

    UpstreamHealthCheck(SxwlClient client, ApplicationGauges gauges) {
        this.client = client;
        gauges.register(Gauge.builder("gateway.upstream.reachable", client,
                        c -> c.lastCall() == null || c.lastCall().reachable() ? 1 : 0)
                .description("1 when the last upstream call got an HTTP answer (or none was made yet), else 0"));
    }

    @Override
    public HealthCheckResponse call() {
        SxwlClient.LastCall last = client.lastCall();
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("sxwl-upstream")
                .status(last == null || last.reachable());
        builder.withData("reachable", last == null ? "unknown" : Boolean.toString(last.reachable()));
        if (last != null) {
            builder.withData("lastCallAt", last.at().toString());
        }
        return builder.build();
    }
}
