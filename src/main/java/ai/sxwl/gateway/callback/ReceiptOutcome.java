package ai.sxwl.gateway.callback;

import ai.sxwl.gateway.history.ReportOutcome;

/** What became of a stored callback. */
public enum ReceiptOutcome {
    APPLIED, DUPLICATE, ANOMALY,
    /** Stored, not applied: waits for job_status to confirm it (untrusted untokened callbacks, unknown job ids). */
    UNCONFIRMED;

    private final String wire = name().toLowerCase(java.util.Locale.ROOT);

    public String wire() {
        return wire;
    }

    static ReceiptOutcome of(ReportOutcome outcome) {
        // A late model URL is applied like a change: it published an event.
        return outcome == ReportOutcome.MODEL_AVAILABLE ? APPLIED : valueOf(outcome.name());
    }
}
