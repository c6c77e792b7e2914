package ai.sxwl.gateway.observability;

import io.micrometer.core.instrument.Gauge;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

import java.time.Duration;

/**
 * How far behind some work is (the outbox, the webhook dispatcher), as a gauge in seconds and as a check of the
 * {@link DependencyHealth} group that is down once the lag passes its alert bound.
 */
public abstract class LagCheck implements HealthCheck {

    /** Said in the help text of every gauge read from the shared database, which each replica exports alike. */
    public static final String FROM_DATABASE = " (read from the shared database: every replica exports the same"
            + " value; aggregate with max, never sum)";

    private final String name;
    private final Duration alert;

    protected LagCheck(String name, Duration alert, String gauge, String description, ApplicationGauges gauges) {
        this.name = name;
        this.alert = alert;
        gauges.register(Gauge.builder(gauge, this, check -> check.current().toMillis() / 1000.0)
                .description(description + FROM_DATABASE));
    }

    /** The lag now; zero when nothing waits. */
    protected abstract Duration current();

    @Override
    public HealthCheckResponse call() {
        Duration lag = current();
        return HealthCheckResponse.named(name).status(lag.compareTo(alert) <= 0)
                .withData("lagSeconds", lag.toSeconds()).withData("alertSeconds", alert.toSeconds()).build();
    }
}
