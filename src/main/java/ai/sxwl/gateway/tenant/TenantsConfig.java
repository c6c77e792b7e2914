package ai.sxwl.gateway.tenant;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;

import java.util.Map;
import java.util.Optional;

/** {@code gateway.tenants.<name>.api-key} and {@code gateway.tenants.<name>.upstream-token}, any number of tenants. */
@ConfigMapping(prefix = "gateway.tenants")
public interface TenantsConfig {

    @WithParentName
    Map<String, TenantConfig> tenants();

    interface TenantConfig {
        /** Bearer key for /api/**. The embedded build generates a missing one into the data folder. */
        Optional<String> apiKey();

        /** The tenant's SXWL bearer token, used to submit and poll its jobs. */
        Optional<String> upstreamToken();
    }
}
