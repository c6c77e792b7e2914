package ai.sxwl.gateway.history;

/** Where the gateway learned of a change. */
public enum DetectedBy {
    SUBMIT, CALLBACK, POLL, CANCEL;

    private final String wire = name().toLowerCase(java.util.Locale.ROOT);

    public String wire() {
        return wire;
    }
}
