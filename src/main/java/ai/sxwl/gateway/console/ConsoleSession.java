package ai.sxwl.gateway.console;

import ai.sxwl.gateway.tenant.Tenant;
import ai.sxwl.gateway.tenant.TenantRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * The console's session cookie and CSRF tokens. The cookie holds no key: it is {@code <tenant>.<expiry>.<MAC>}, the
 * MAC keyed by the tenant's own API key, so that any replica can check it without shared state, and a new API key
 * ends every session signed with the old one. A form's CSRF token is a MAC of the session under the same key.
 */
@ApplicationScoped
public class ConsoleSession {

    static final String COOKIE = "sxwl_console";
    /** The sign-in form's own CSRF cookie (double submit): there is no session to bind it to yet. */
    static final String SIGN_IN_COOKIE = "sxwl_console_signin";
    static final Duration LIFETIME = Duration.ofHours(8);

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TenantRegistry tenants;

    ConsoleSession(TenantRegistry tenants) {
        this.tenants = tenants;
    }

    /** A signed-in tenant and the CSRF token its forms carry. */
    public record SignedIn(Tenant tenant, String csrf) {
    }

    Optional<Tenant> tenantOfKey(String apiKey) {
        return apiKey == null || apiKey.isBlank() ? Optional.empty() : tenants.byApiKey(apiKey.trim());
    }

    String cookieValue(Tenant tenant, Instant now) {
        String payload = ENCODER.encodeToString(tenant.name().getBytes(StandardCharsets.UTF_8)) + "."
                + now.plus(LIFETIME).getEpochSecond();
        return payload + "." + mac(tenant, "session|" + payload);
    }

    /** The session's tenant, when the cookie is ours, unexpired and signed with the tenant's current key. */
    Optional<SignedIn> verify(String cookie, Instant now) {
        if (cookie == null) {
            return Optional.empty();
        }
        String[] parts = cookie.split("\\.");
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            String name = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
            if (Long.parseLong(parts[1]) < now.getEpochSecond()) {
                return Optional.empty();
            }
            return tenants.byName(name)
                    .filter(tenant -> equal(parts[2], mac(tenant, "session|" + parts[0] + "." + parts[1])))
                    .map(tenant -> new SignedIn(tenant, mac(tenant, "csrf|" + cookie)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static String randomToken() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }

    static boolean equal(String given, String expected) {
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
    }

    private static String mac(Tenant tenant, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(tenant.apiKey().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return ENCODER.encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
