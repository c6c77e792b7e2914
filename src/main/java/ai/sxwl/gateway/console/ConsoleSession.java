package ai.sxwl.gateway.console;

import ai.sxwl.gateway.callback.CallbackTokens;
import ai.sxwl.gateway.tenant.Tenant;
import ai.sxwl.gateway.tenant.TenantRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Console sessions, kept in the database (table {@code console_session}) so that every replica sees a sign-out. The
 * cookie holds a random id and nothing else; the table holds the id's SHA-256, the tenant, and a fingerprint of the
 * tenant's API key at sign-in. A session ends at sign-out, when the tenant's configured key is no longer the one it
 * signed in with, after {@link ConsoleConfig#sessionIdleTimeout()} without a request and at
 * {@link ConsoleConfig#sessionLifetime()}. Fingerprints and CSRF tokens are HMACs under a key derived from the
 * server's callback secret, never from the API key: a captured cookie or token tells nothing about any key.
 */
@ApplicationScoped
public class ConsoleSession {

    public static final String COOKIE = "sxwl_console";
    /** The sign-in form's own CSRF cookie (double submit): there is no session to bind it to yet. */
    public static final String SIGN_IN_COOKIE = "sxwl_console_signin";
    /** A session's last_seen_at is written at most this often, not on every page. */
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
    private static final int ID_BYTES = 32;
    private static final int MAX_ID_LENGTH = 64;

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TenantRegistry tenants;
    private final ConsoleConfig config;
    private final EntityManager em;
    private final Mac prototype;

    ConsoleSession(TenantRegistry tenants, ConsoleConfig config, EntityManager em, CallbackTokens tokens) {
        this.tenants = tenants;
        this.config = config;
        this.em = em;
        try {
            prototype = Mac.getInstance("HmacSHA256");
            prototype.init(new SecretKeySpec(tokens.derivedKey("console-session"), "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** A signed-in tenant and the CSRF token its forms carry. */
    public record SignedIn(Tenant tenant, String csrf) {
    }

    /** A new session for the tenant: the cookie's value. Sessions that have ended are cleared on the way. */
    @Transactional
    public String start(Tenant tenant, Instant now) {
        em.createNativeQuery("DELETE FROM console_session WHERE created_at <= ?1 OR last_seen_at <= ?2")
                .setParameter(1, now.minus(config.sessionLifetime()))
                .setParameter(2, now.minus(config.sessionIdleTimeout())).executeUpdate();
        String id = randomToken(ID_BYTES);
        em.createNativeQuery("INSERT INTO console_session (id_hash, tenant, key_fingerprint, created_at, last_seen_at)"
                        + " VALUES (?1, ?2, ?3, ?4, ?4)")
                .setParameter(1, hash(id)).setParameter(2, tenant.name())
                .setParameter(3, mac("api-key\n" + tenant.apiKey())).setParameter(4, now).executeUpdate();
        return id;
    }

    /** The session's tenant, when the id names a session that has not ended. */
    @Transactional
    public Optional<SignedIn> verify(String id, Instant now) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            return Optional.empty();
        }
        String idHash = hash(id);
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT tenant, key_fingerprint,"
                        + " CASE WHEN last_seen_at <= ?4 THEN 1 ELSE 0 END FROM console_session"
                        + " WHERE id_hash = ?1 AND created_at > ?2 AND last_seen_at > ?3")
                .setParameter(1, idHash).setParameter(2, now.minus(config.sessionLifetime()))
                .setParameter(3, now.minus(config.sessionIdleTimeout())).setParameter(4, now.minus(TOUCH_EVERY))
                .getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] row = rows.get(0);
        Optional<Tenant> tenant = tenants.byName((String) row[0])
                .filter(t -> equal((String) row[1], mac("api-key\n" + t.apiKey())));
        if (tenant.isEmpty()) { // the tenant's key changed (or the tenant is gone): the session has ended
            end(id);
            return Optional.empty();
        }
        if (((Number) row[2]).intValue() == 1) {
            em.createNativeQuery("UPDATE console_session SET last_seen_at = ?2 WHERE id_hash = ?1")
                    .setParameter(1, idHash).setParameter(2, now).executeUpdate();
        }
        return Optional.of(new SignedIn(tenant.get(), mac("csrf\n" + id)));
    }

    /** Sign-out: the session is gone for every replica. */
    @Transactional
    public void end(String id) {
        if (id != null && !id.isEmpty() && id.length() <= MAX_ID_LENGTH) {
            em.createNativeQuery("DELETE FROM console_session WHERE id_hash = ?1").setParameter(1, hash(id))
                    .executeUpdate();
        }
    }

    static String randomToken(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return ENCODER.encodeToString(random);
    }

    /** Constant time, whatever the lengths: both sides are hashed first. */
    static boolean equal(String given, String expected) {
        return given != null && MessageDigest.isEqual(sha256(given), sha256(expected));
    }

    private static String hash(String id) {
        return ENCODER.encodeToString(sha256(id));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String mac(String message) {
        try {
            Mac mac = (Mac) prototype.clone();
            return ENCODER.encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }
}
