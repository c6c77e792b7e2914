package ai.sxwl.gateway.callback;

import ai.sxwl.gateway.settings.GatewayConfig;
import ai.sxwl.gateway.embedded.DataFolder;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

/**
 * Callback tokens: {@code <submission id>.<base64url HMAC-SHA256(secret, submission id)>}. A token can only be made
 * with the server secret, so the token route knows that a callback was posted to a URL the proxy handed out, and for
 * which submission. Verification compares in constant time.
 */
@ApplicationScoped
@Startup
public class CallbackTokens {

    static final int MIN_SECRET_LENGTH = 32;
    private static final String ALGORITHM = "HmacSHA256";
    private static final int MAX_SUBMISSION_ID_LENGTH = 32;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final Mac prototype;

    @Inject
    CallbackTokens(CallbackConfig config, GatewayConfig gateway, DataFolder dataFolder) {
        this(secret(config, gateway, dataFolder));
    }

    CallbackTokens(byte[] secret) {
        try {
            prototype = Mac.getInstance(ALGORITHM);
            prototype.init(new SecretKeySpec(secret, ALGORITHM));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    public String mint(String submissionId) {
        return submissionId + "." + ENCODER.encodeToString(sign(submissionId));
    }

    /** The submission id a token was minted for, or empty when the token is malformed or not ours. */
    public Optional<String> verify(String token) {
        int dot = token.indexOf('.');
        if (dot <= 0 || dot > MAX_SUBMISSION_ID_LENGTH) {
            return Optional.empty();
        }
        String submissionId = token.substring(0, dot);
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return MessageDigest.isEqual(given, sign(submissionId)) ? Optional.of(submissionId) : Optional.empty();
    }

    /**
     * A key of its own for another use of the server secret that every replica shares (so that what one replica
     * hands out another can read). The purpose starts with a NUL, which no submission id has: no token reveals it.
     */
    public byte[] derivedKey(String purpose) {
        return sign("\0" + purpose);
    }

    private byte[] sign(String submissionId) {
        try {
            Mac mac = (Mac) prototype.clone();
            return mac.doFinal(submissionId.getBytes(StandardCharsets.UTF_8));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] secret(CallbackConfig config, GatewayConfig gateway, DataFolder dataFolder) {
        String secret = config.secret()
                .or(() -> gateway.embedded()
                        ? Optional.of(dataFolder.secret("callback-secret", 32).value())
                        : Optional.empty())
                .orElseThrow(() -> new IllegalStateException(
                        "gateway.callback.secret (GATEWAY_CALLBACK_SECRET) is required: the key of callback tokens"));
        if (secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalStateException("gateway.callback.secret must be at least " + MIN_SECRET_LENGTH
                    + " characters long");
        }
        return secret.getBytes(StandardCharsets.UTF_8);
    }
}
