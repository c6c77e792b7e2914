package ai.sxwl.gateway.upstream;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "gateway.upstream")
public interface UpstreamConfig {

    /** SXWL API base. */
    @WithDefault("https://llm.sxwl.ai/api")
    String baseUrl();

    @WithDefault("5s")
    Duration connectTimeout();

    /** How long one call may take before the gateway answers 504. */
    @WithDefault("30s")
    Duration readTimeout();
}
