package ai.sxwl.gateway.settings;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Settings that belong to the gateway as a whole rather than to one feature. */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /** Injected callback URLs are {@code <this>/callbacks/sxwl/<token>}; the production build requires it. */
    Optional<String> publicBaseUrl();

    /** Folder of the embedded database, the embedded broker's logs and generated secrets. */
    @WithDefault("./data")
    Path dataDir();

    /**
     * True in the embedded (plain) build: missing secrets and the default tenant are generated into the data folder
     * instead of stopping the start.
     */
    @WithDefault("false")
    boolean embedded();

    EmbeddedKafka embeddedKafka();

    Shutdown shutdown();

    /** The in-process broker of the embedded build, started when {@code kafka.bootstrap.servers} is not set. */
    interface EmbeddedKafka {
        @WithDefault("9092")
        int port();
    }

    /** After the HTTP drain: how long all background workers together get to finish their work in hand. */
    interface Shutdown {
        @WithDefault("10s")
        Duration timeout();
    }
}
