package ai.sxwl.gateway.callback;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.EnumMap;
import java.util.Map;

/** {@code gateway_callbacks_total{route,outcome}}, registered at startup so that every series exists from zero. */
@ApplicationScoped
@Startup
public class CallbackMetrics {

    private final Map<CallbackRoute, Map<ReceiptOutcome, Counter>> counters = new EnumMap<>(CallbackRoute.class);

    CallbackMetrics(MeterRegistry registry) {
        for (CallbackRoute route : CallbackRoute.values()) {
            Map<ReceiptOutcome, Counter> byOutcome = new EnumMap<>(ReceiptOutcome.class);
            for (ReceiptOutcome outcome : ReceiptOutcome.values()) {
                byOutcome.put(outcome, Counter.builder("gateway.callbacks")
                        .description("Callbacks stored, by route and outcome")
                        .tag("route", route.wire()).tag("outcome", outcome.wire())
                        .register(registry));
            }
            counters.put(route, byOutcome);
        }
    }

    void count(CallbackRoute route, ReceiptOutcome outcome) {
        counters.get(route).get(outcome).increment();
    }
}
