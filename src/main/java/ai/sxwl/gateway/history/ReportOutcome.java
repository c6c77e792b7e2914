package ai.sxwl.gateway.history;

/** What a report did to a job. */
public enum ReportOutcome {
    /** The job changed state; one event was recorded and announced. */
    APPLIED,
    /** The job had succeeded, and the report brings a model URL it did not know: one model_available event. */
    MODEL_AVAILABLE,
    /** The job already was in the reported state; nothing changed. */
    DUPLICATE,
    /** The job is terminal in another state; the report is kept as an anomaly and changes nothing. */
    ANOMALY;

    private final String wire = name().toLowerCase(java.util.Locale.ROOT);

    public String wire() {
        return wire;
    }
}
