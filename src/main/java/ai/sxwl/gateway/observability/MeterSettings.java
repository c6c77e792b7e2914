package ai.sxwl.gateway.observability;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.stream.LongStream;

/** How meters are exported, for the shipped alerts and dashboard (docker/prometheus, MonitoringFilesTest). */
@Singleton
public class MeterSettings {

    static final long[] EDGES_MILLIS = {5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000};

    /**
     * Histogram buckets for {@code http_server_requests_seconds}, so that a latency alert can compute a quantile over
     * all replicas ({@code histogram_quantile(0.99, sum by (le) (rate(..._bucket[5m])))}). A fixed set around the
     * callback budget (the alert's 250 ms is a bucket edge) instead of Micrometer's ~70 percentile buckets per series.
     */
    @Produces
    @Singleton
    MeterFilter httpServerRequestBuckets() {
        double[] edges = LongStream.of(EDGES_MILLIS).mapToDouble(ms -> Duration.ofMillis(ms).toNanos()).toArray();
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!id.getName().equals("http.server.requests")) {
                    return config;
                }
                return DistributionStatisticConfig.builder().serviceLevelObjectives(edges).build().merge(config);
            }
        };
    }
}
