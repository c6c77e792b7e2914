package ai.sxwl.gateway.callback;

/** The two public callback URLs. */
public enum CallbackRoute {
    /** {@code /callbacks/sxwl/{token}}: injected by the submit proxy, names its submission. */
    TOKEN,
    /** {@code /callbacks/sxwl}: set by hand on jobs submitted to SXWL directly; unauthenticated. */
    UNTOKENED;

    private final String wire = name().toLowerCase(java.util.Locale.ROOT);

    public String wire() {
        return wire;
    }
}
