package ai.sxwl.gateway.console;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How long a console session lasts. */
@ConfigMapping(prefix = "gateway.console")
public interface ConsoleConfig {

    /** A session without a request for this long has ended. */
    @WithDefault("30m")
    Duration sessionIdleTimeout();

    /** A session ends this long after sign-in, however busy. */
    @WithDefault("8h")
    Duration sessionLifetime();
}
