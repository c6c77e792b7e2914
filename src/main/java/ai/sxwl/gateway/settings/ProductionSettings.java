package ai.sxwl.gateway.settings;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.Config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The production build's start refuses settings that are missing, still hold a placeholder of the shipped examples
 * ({@code change-me…}) or, for API keys and the callback secret, are shorter than 32 characters, all of them in one
 * message that names each setting, before anything else starts: a gateway that polls with a fake token, signs with a
 * published secret or takes a guessable key must not come up looking healthy. The embedded build
 * generates what it needs instead.
 */
@ApplicationScoped
public class ProductionSettings {

    static final String PLACEHOLDER = "change-me";
    /** Secrets the gateway itself checks (API keys, the callback secret) are at least this long: not guessable. */
    static final int MIN_SECRET_LENGTH = 32;
    /** Settings of the gateway and its clients; any of them holding a placeholder is refused. */
    private static final List<String> CHECKED_PREFIXES =
            List.of("gateway.", "quarkus.datasource.", "kafka.", "mp.messaging.");
    private static final List<String> REQUIRED = List.of("quarkus.datasource.jdbc.url", "kafka.bootstrap.servers",
            "gateway.public-base-url", "gateway.callback.secret");

    void check(@Observes @Priority(0) StartupEvent event, Config config, GatewayConfig gateway) {
        if (gateway.embedded()) {
            return;
        }
        List<String> problems = problems(config);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("The gateway cannot start with these settings:\n  - "
                    + String.join("\n  - ", problems));
        }
    }

    static List<String> problems(Config config) {
        List<String> problems = new ArrayList<>();
        for (String name : REQUIRED) {
            if (value(config, name).isEmpty()) {
                problems.add(name + " (" + envName(name) + ") is not set");
            }
        }
        // A setting given as GATEWAY_CALLBACK_SECRET is also seen as gateway.callback.secret: report it once.
        Map<String, String> byDotted = new TreeMap<>();
        config.getPropertyNames().forEach(name -> byDotted.merge(dotted(name), name,
                (kept, other) -> kept.contains(".") ? kept : other));
        boolean anyTenant = false;
        for (Map.Entry<String, String> setting : byDotted.entrySet()) {
            String dotted = setting.getKey();
            String name = setting.getValue();
            boolean apiKey = dotted.startsWith("gateway.tenants.") && dotted.endsWith(".api.key");
            anyTenant |= apiKey;
            if ((apiKey || dotted.equals("gateway.callback.secret"))
                    && value(config, name).filter(v -> v.length() < MIN_SECRET_LENGTH).isPresent()) {
                problems.add(name + " (" + envName(name) + ") is shorter than " + MIN_SECRET_LENGTH
                        + " characters: use a random value at least that long");
            }
            if (CHECKED_PREFIXES.stream().anyMatch(dotted::startsWith)
                    && value(config, name).filter(v -> v.toLowerCase(Locale.ROOT).startsWith(PLACEHOLDER)).isPresent()) {
                // The value itself is never shown: a real secret that merely starts like a placeholder stays secret.
                problems.add(name + " (" + envName(name) + ") still holds the example's placeholder (" + PLACEHOLDER
                        + "…): set a real value");
            }
        }
        if (!anyTenant) {
            problems.add("no tenant is configured: set gateway.tenants.<name>.api-key and"
                    + " gateway.tenants.<name>.upstream-token (GATEWAY_TENANTS_<NAME>_API_KEY, …)");
        }
        return problems;
    }

    private static Optional<String> value(Config config, String name) {
        try {
            return config.getOptionalValue(name, String.class).filter(v -> !v.isBlank());
        } catch (RuntimeException unresolvable) { // e.g. an expression naming a missing setting
            return Optional.empty();
        }
    }

    /** {@code GATEWAY_TENANTS_TEAM_API_KEY} and {@code gateway.tenants.team.api-key} compare alike. */
    private static String dotted(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '.').replace('-', '.');
    }

    private static String envName(String name) {
        return name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
