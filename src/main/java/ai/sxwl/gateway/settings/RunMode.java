package ai.sxwl.gateway.settings;

/**
 * What this process was started to do: serve (the default), or only bring the database schema up to date and exit
 * ({@code java -jar quarkus-run.jar migrate}, see {@link GatewayMain}). In migrate mode no background loop starts and
 * no HTTP port is opened.
 */
public enum RunMode {
    SERVE,
    MIGRATE;

    /** Set by {@link GatewayMain} before Quarkus starts, so that it holds from the first bean on. */
    private static final String PROPERTY = "sxwl.gateway.run-mode";

    public static RunMode current() {
        return valueOf(System.getProperty(PROPERTY, SERVE.name()));
    }

    public void enter() {
        System.setProperty(PROPERTY, name());
    }
}
