package ai.sxwl.gateway.history;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the expiry of a signed object-store URL from its query. Three signing forms are understood:
 * <ul>
 *   <li>OSS V1 (what SXWL signs today) and S3 query-string V2: {@code Expires=<unix seconds>};</li>
 *   <li>OSS V4: {@code x-oss-date=<yyyyMMdd'T'HHmmss'Z'>} plus {@code x-oss-expires=<seconds>};</li>
 *   <li>S3 SigV4 presigned: {@code X-Amz-Date=<yyyyMMdd'T'HHmmss'Z'>} plus {@code X-Amz-Expires=<seconds>}.</li>
 * </ul>
 * Parameter names are matched case-insensitively, as object stores do.
 */
public final class ModelUrls {

    private static final DateTimeFormatter SIGNING_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private ModelUrls() {
    }

    /** The expiry, or null when the URL is null or carries none of the forms above in a readable way. */
    public static Instant expiresAt(String url) {
        if (url == null) {
            return null;
        }
        int query = url.indexOf('?');
        if (query < 0) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (String pair : url.substring(query + 1).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.putIfAbsent(pair.substring(0, eq).toLowerCase(Locale.ROOT), pair.substring(eq + 1));
            }
        }
        try {
            if (params.containsKey("expires")) {
                return Instant.ofEpochSecond(Long.parseLong(params.get("expires")));
            }
            for (String prefix : new String[]{"x-oss-", "x-amz-"}) {
                String date = params.get(prefix + "date");
                String seconds = params.get(prefix + "expires");
                if (date != null && seconds != null) {
                    return LocalDateTime.parse(date, SIGNING_DATE).toInstant(ZoneOffset.UTC)
                            .plusSeconds(Long.parseLong(seconds));
                }
            }
        } catch (NumberFormatException | DateTimeException | ArithmeticException e) {
            return null;
        }
        return null;
    }
}
