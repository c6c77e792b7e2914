package ai.sxwl.gateway.observability;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

import java.util.regex.Pattern;

/**
 * The W3C {@code traceparent} stored with a change (SPEC section 4): that of the request, or of the poll, that caused
 * it. With tracing on, it is the current span's (a child of the request's own traceparent, so the trace id is the
 * caller's); with tracing off, the request's header as it came, when it is a valid one.
 */
public final class TraceContext {

    /** Version 00: the only format whose every field this gateway knows how to carry on unchanged. */
    private static final Pattern TRACEPARENT = Pattern.compile("00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");

    private TraceContext() {
    }

    /** The traceparent of a change caused now, by a request that carried {@code header} (may be null). */
    public static String of(String header) {
        SpanContext span = Span.current().getSpanContext();
        if (span.isValid()) {
            return format(span);
        }
        return header != null && TRACEPARENT.matcher(header).matches() ? header : null;
    }

    /** A span's context as a W3C traceparent (version 00). */
    public static String format(SpanContext span) {
        return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex();
    }

    /** The traceparent of a change the gateway caused itself (a poll): its span's, when tracing is on. */
    public static String current() {
        return of(null);
    }
}
