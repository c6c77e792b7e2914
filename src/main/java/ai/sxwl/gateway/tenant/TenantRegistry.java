package ai.sxwl.gateway.tenant;

import ai.sxwl.gateway.settings.GatewayConfig;
import ai.sxwl.gateway.embedded.DataFolder;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configured tenants, checked at startup. With none configured, the embedded build creates tenant
 * {@code default} with a generated key (printed once, when it is created, and kept in the data folder); the
 * production build refuses to start.
 */
@ApplicationScoped
@Startup
public class TenantRegistry {

    public static final String DEFAULT_TENANT = "default";
    private static final Logger LOG = Logger.getLogger(TenantRegistry.class);

    private final Map<String, Tenant> byName = new LinkedHashMap<>();
    private final Map<Tenant, byte[]> keyDigests = new LinkedHashMap<>();

    TenantRegistry(TenantsConfig config, GatewayConfig gateway, DataFolder dataFolder) {
        config.tenants().forEach((name, tenant) -> add(new Tenant(name,
                tenant.apiKey().orElseGet(() -> generatedKey(name, gateway, dataFolder)),
                tenant.upstreamToken())));
        if (byName.isEmpty()) {
            if (!gateway.embedded()) {
                throw new IllegalStateException("No tenant is configured: set gateway.tenants.<name>.api-key and"
                        + " gateway.tenants.<name>.upstream-token (GATEWAY_TENANTS_<NAME>_API_KEY, ...)");
            }
            add(new Tenant(DEFAULT_TENANT, generatedKey(DEFAULT_TENANT, gateway, dataFolder), Optional.empty()));
        }
        if (!gateway.embedded()) {
            byName.values().stream().filter(t -> t.upstreamToken().isEmpty()).findFirst().ifPresent(t -> {
                throw new IllegalStateException("Tenant " + t.name() + " has no upstream-token"
                        + " (gateway.tenants." + t.name() + ".upstream-token)");
            });
        }
    }

    /** The tenant whose API key this is; every configured key is compared, in constant time. */
    public Optional<Tenant> byApiKey(String apiKey) {
        byte[] given = digest(apiKey);
        Tenant match = null;
        for (Map.Entry<Tenant, byte[]> entry : keyDigests.entrySet()) {
            if (MessageDigest.isEqual(given, entry.getValue())) {
                match = entry.getKey();
            }
        }
        return Optional.ofNullable(match);
    }

    public Optional<Tenant> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Collection<Tenant> all() {
        return byName.values();
    }

    /** The tenants that have an upstream token: only their jobs can be polled. */
    public List<String> withUpstreamToken() {
        return byName.values().stream().filter(t -> t.upstreamToken().isPresent()).map(Tenant::name).sorted().toList();
    }

    /** The tenant, when there is exactly one. */
    public Optional<String> soleTenant() {
        return byName.size() == 1 ? Optional.of(byName.keySet().iterator().next()) : Optional.empty();
    }

    private void add(Tenant tenant) {
        byName.put(tenant.name(), tenant);
        keyDigests.put(tenant, digest(tenant.apiKey()));
    }

    private static String generatedKey(String name, GatewayConfig gateway, DataFolder dataFolder) {
        if (!gateway.embedded()) {
            throw new IllegalStateException("Tenant " + name + " has no api-key (gateway.tenants." + name
                    + ".api-key)");
        }
        DataFolder.KeptSecret key = dataFolder.secret("api-key-" + name, 24);
        String value = key.value();
        if (key.created()) {
            // The one time a secret is shown: SPEC section 6, so a newcomer can call the API at all.
            LOG.infof("Generated the API key of tenant '%s' (kept in %s): %s", name,
                    dataFolder.resolve("api-key-" + name), value);
        }
        return value;
    }

    /** Keys of different lengths compare in constant time as equal-length digests. */
    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
