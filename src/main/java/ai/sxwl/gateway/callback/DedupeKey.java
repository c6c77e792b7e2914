package ai.sxwl.gateway.callback;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What makes two callbacks "the same": route, submission, job id, status and URL. Extra fields and key spelling
 * (job_id or jobId) do not count.
 */
final class DedupeKey {

    private DedupeKey() {
    }

    static String of(CallbackRoute route, String submissionId, ParsedCallback callback) {
        String canonical = route.wire() + '\n' + nullToEmpty(submissionId) + '\n' + nullToEmpty(callback.jobId())
                + '\n' + callback.status().wire() + '\n' + nullToEmpty(callback.url());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
