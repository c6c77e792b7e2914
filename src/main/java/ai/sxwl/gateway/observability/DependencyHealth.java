package ai.sxwl.gateway.observability;

/**
 * The health group of what the gateway depends on but can work without for a while: Kafka, the outbox lag, the
 * webhook dispatcher's backlog, upstream SXWL ({@code /q/health/group/dependencies}). Readiness is only "callbacks
 * can be stored" (the database): SXWL posts each callback once, so a pod must keep taking them while any of these is
 * down.
 */
public final class DependencyHealth {

    public static final String GROUP = "dependencies";

    private DependencyHealth() {
    }
}
