package ai.sxwl.gateway.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;

/**
 * Standard Webhooks signatures: {@code v1,<base64 HMAC-SHA256("{id}.{timestamp}.{body}")>} keyed by the
 * base64-decoded part of a {@code whsec_} secret. During a rotation both secrets sign: the entries are
 * space-separated.
 */
public final class WebhookSigner {

    static final String PREFIX = "whsec_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSigner() {
    }

    /** A new secret: whsec_ + base64 of 32 random bytes. */
    public static String newSecret() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** The secrets that sign at {@code now}: the current one, and the previous one until its overlap ends. */
    static String[] signingSecrets(String current, String previous, Instant previousUntil, Instant now) {
        return previous != null && previousUntil != null && now.isBefore(previousUntil)
                ? new String[]{current, previous} : new String[]{current};
    }

    /** The webhook-signature header value for these secrets (the current first). */
    public static String signature(String messageId, long timestamp, String body, String... secrets) {
        StringBuilder header = new StringBuilder();
        for (String secret : secrets) {
            if (secret == null) {
                continue;
            }
            if (!header.isEmpty()) {
                header.append(' ');
            }
            header.append("v1,").append(sign(secret, messageId + "." + timestamp + "." + body));
        }
        return header.toString();
    }

    private static String sign(String secret, String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring(PREFIX.length())), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
