package ai.sxwl.gateway.observability;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Registers the gauges that read this application instance's beans, and removes them when it stops. Micrometer's
 * registry outlives an application restarted in the same JVM (dev mode's live reload, a test profile): a gauge left
 * behind would stay bound to the stopped instance's collected beans, and a new registration under its name would be
 * handed that dead gauge (it reads NaN and drops out of the scrape) instead of one bound to the running beans.
 */
@Singleton
public class ApplicationGauges {

    private final MeterRegistry registry;
    private final List<Meter> registered = new CopyOnWriteArrayList<>();

    ApplicationGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Registers the gauge, for as long as this application instance runs. */
    public <T> Gauge register(Gauge.Builder<T> gauge) {
        Gauge registeredGauge = gauge.register(registry);
        registered.add(registeredGauge);
        return registeredGauge;
    }

    void removeAll(@Observes ShutdownEvent event) {
        registered.forEach(registry::remove);
        registered.clear();
    }
}
