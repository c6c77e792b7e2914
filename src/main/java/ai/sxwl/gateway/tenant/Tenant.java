package ai.sxwl.gateway.tenant;

import java.util.Optional;

/** A tenant as the gateway knows it. {@link #toString()} leaves the secrets out. */
public record Tenant(String name, String apiKey, Optional<String> upstreamToken) {

    @Override
    public String toString() {
        return "Tenant[" + name + "]";
    }
}
