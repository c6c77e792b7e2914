package ai.sxwl.gateway.observability;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The tracer of the gateway's own spans (outbox publishes, webhook attempts). With {@code quarkus.otel.sdk.disabled}
 * (the default) Quarkus still hands out a working SDK, one that only exports nothing, so its spans would get fresh
 * trace ids of their own and those would leak into headers; here, tracing off means a no-op tracer, whose spans are
 * invalid, and the change's stored traceparent goes out as it is.
 */
@ApplicationScoped
public class Tracing {

    private final Tracer tracer;

    Tracing(Tracer tracer, @ConfigProperty(name = "quarkus.otel.sdk.disabled") boolean disabled) {
        this.tracer = disabled ? OpenTelemetry.noop().getTracer("sxwl-gateway") : tracer;
    }

    public Tracer tracer() {
        return tracer;
    }
}
