package ai.sxwl.gateway.settings;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 18 (3): the production start's refusal of guessable keys and secrets, setting by setting. */
class ProductionSettingsTest {

    private static final String LONG_KEY = "acme-0123456789abcdef0123456789abcdef";

    @Test
    void anApiKeyOrCallbackSecretShorterThan32CharactersIsNamedWithoutItsValue() {
        Map<String, String> settings = complete();
        settings.put("gateway.tenants.acme.api-key", "acme-31-characters-long-key-xyz");
        settings.put("gateway.callback.secret", "31-characters-of-callback-secre");
        List<String> problems = ProductionSettings.problems(config(settings));
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("gateway.callback.secret (GATEWAY_CALLBACK_SECRET) is shorter than 32"),
                problems.get(0));
        assertTrue(problems.get(1).startsWith("gateway.tenants.acme.api-key (GATEWAY_TENANTS_ACME_API_KEY) is shorter"
                + " than 32"), problems.get(1));
        assertFalse(problems.toString().contains("acme-31-characters-long-key-xyz"), "the value is not shown");
    }

    @Test
    void keysOf32CharactersOrMorePass() {
        assertEquals(List.of(), ProductionSettings.problems(config(complete())));
    }

    private static Map<String, String> complete() {
        Map<String, String> settings = new HashMap<>();
        settings.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://db/gateway");
        settings.put("kafka.bootstrap.servers", "kafka:9092");
        settings.put("gateway.public-base-url", "https://gateway.example");
        settings.put("gateway.callback.secret", "0123456789abcdef0123456789abcdef");
        settings.put("gateway.tenants.acme.api-key", LONG_KEY);
        settings.put("gateway.tenants.acme.upstream-token", "short-upstream-tokens-are-sxwl-s");
        return settings;
    }

    private static Config config(Map<String, String> settings) {
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(settings, "test", 500)).build();
    }
}
