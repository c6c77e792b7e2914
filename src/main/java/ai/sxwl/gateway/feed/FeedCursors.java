package ai.sxwl.gateway.feed;

import ai.sxwl.gateway.callback.CallbackTokens;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.OptionalLong;

/**
 * Opaque feed cursors: a feed position sealed with AES-256-GCM under a key derived from the server secret, with the
 * tenant as associated data. Positions are numbered across all tenants, so a readable one would tell a tenant how many
 * changes the others made between two of its reads; sealed, it tells nothing, and a cursor of another tenant, a
 * tampered one or one made up is refused. The nonce is derived from tenant and position (HMAC), so the same position
 * gives the same cursor (a consumer sees that nothing is new) and no nonce ever seals two different positions.
 */
@ApplicationScoped
public class FeedCursors {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int CURSOR_BYTES = NONCE_BYTES + Long.BYTES + TAG_BITS / 8;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final SecretKeySpec sealing;
    private final SecretKeySpec nonces;

    @Inject
    FeedCursors(CallbackTokens tokens) {
        this(tokens.derivedKey("events feed cursor sealing"), tokens.derivedKey("events feed cursor nonce"));
    }

    FeedCursors(byte[] sealingKey, byte[] nonceKey) {
        this.sealing = new SecretKeySpec(sealingKey, "AES");
        this.nonces = new SecretKeySpec(nonceKey, "HmacSHA256");
    }

    /** The cursor that reads on after {@code position} in {@code tenant}'s feed. */
    public String seal(String tenant, long position) {
        byte[] plain = ByteBuffer.allocate(Long.BYTES).putLong(position).array();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(nonces);
            mac.update(tenant.getBytes(StandardCharsets.UTF_8));
            byte[] nonce = Arrays.copyOf(mac.doFinal(plain), NONCE_BYTES);
            byte[] sealed = cipher(Cipher.ENCRYPT_MODE, tenant, nonce).doFinal(plain);
            return ENCODER.encodeToString(ByteBuffer.allocate(CURSOR_BYTES).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM and HmacSHA256 are part of every JDK", e);
        }
    }

    /** The position a cursor of {@code tenant} stands for; empty when it is not one this feed gave that tenant. */
    public OptionalLong open(String tenant, String cursor) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(cursor);
        } catch (IllegalArgumentException e) {
            return OptionalLong.empty();
        }
        if (bytes.length != CURSOR_BYTES) {
            return OptionalLong.empty();
        }
        try {
            byte[] plain = cipher(Cipher.DECRYPT_MODE, tenant, Arrays.copyOf(bytes, NONCE_BYTES))
                    .doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
            long position = ByteBuffer.wrap(plain).getLong();
            return position >= 0 ? OptionalLong.of(position) : OptionalLong.empty();
        } catch (GeneralSecurityException tamperedOrForeign) {
            return OptionalLong.empty();
        }
    }

    private Cipher cipher(int mode, String tenant, byte[] nonce) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, sealing, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(tenant.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }
}
