package ai.sxwl.gateway.webhook;

import ai.sxwl.gateway.observability.TraceContext;
import ai.sxwl.gateway.observability.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.util.List;

/**
 * One OpenTelemetry span per delivery attempt, a child of the change's own trace context, so an attempt shows inside
 * the trace of the callback or submit that caused it. With tracing off (the default) the spans are no-ops and the
 * change's traceparent goes out as it was stored.
 */
@ApplicationScoped
public class AttemptSpans {

    private static final TextMapGetter<String> TRACEPARENT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of("traceparent");
        }

        @Override
        public String get(String carrier, String key) {
            return "traceparent".equals(key) ? carrier : null;
        }
    };

    private final Tracer tracer;

    AttemptSpans(Tracing tracing) {
        this.tracer = tracing.tracer();
    }

    Span start(DeliveryRecorder.Claim claim) {
        Context parent = claim.traceparent() == null ? Context.root()
                : W3CTraceContextPropagator.getInstance().extract(Context.root(), claim.traceparent(), TRACEPARENT);
        return tracer.spanBuilder("webhook attempt").setParent(parent).setSpanKind(SpanKind.CLIENT)
                .setAttribute("server.address", URI.create(claim.url()).getHost())
                .setAttribute("webhook.delivery.id", claim.id())
                .setAttribute("webhook.message.id", claim.messageId())
                .startSpan();
    }

    /** The traceparent header of the attempt: its own span's when tracing is on, else the change's. */
    static String traceparent(Span span, String stored) {
        SpanContext context = span.getSpanContext();
        return context.isValid() ? TraceContext.format(context) : stored;
    }

    static void end(Span span, AttemptResult result) {
        if (result.status() != null) {
            span.setAttribute("http.response.status_code", result.status());
        }
        if (!result.succeeded()) {
            span.setStatus(StatusCode.ERROR, result.error() == null ? "HTTP " + result.status() : result.error());
        }
        span.end();
    }
}
