package ai.sxwl.gateway.tenant;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How many wrong API keys (on /api and at console sign-in) are answered before the sender is made to wait. */
@ConfigMapping(prefix = "gateway.auth")
public interface KeyGuessingConfig {

    /** Wrong keys one client address may present per window; beyond, every attempt from it is a 429. */
    @WithDefault("10")
    int maxFailuresPerAddress();

    /**
     * Wrong keys that name one tenant (start with its name and a separator) per window, from all addresses; beyond,
     * each address that has presented a wrong key for that tenant is answered 429 for it until the window ends.
     */
    @WithDefault("50")
    int maxFailuresPerTenant();

    /** The window counted from a counter's first failure; Retry-After says how much of it is left. */
    @WithDefault("15m")
    Duration failureWindow();
}
