package ai.sxwl.gateway.history;

/** The normalized states of a job (SPEC section 4). Terminal states are final. */
public enum JobStatus {
    SUBMITTED, RUNNING, SUCCEEDED, FAILED, CANCELLED, LOST;

    private final String wire = name().toLowerCase(java.util.Locale.ROOT);

    /** The lowercase name used in events, the API and the database. */
    public String wire() {
        return wire;
    }

    public boolean terminal() {
        return this != SUBMITTED && this != RUNNING;
    }

    public static JobStatus fromWire(String value) {
        return valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }
}
