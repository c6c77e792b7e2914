package ai.sxwl.gateway.history;

import java.time.DateTimeException;
import java.time.Instant;

/** Reads the expiry of a signed object-store URL from its {@code Expires=<unix seconds>} query parameter. */
public final class ModelUrls {

    private ModelUrls() {
    }

    /** The expiry, or null when the URL is null or has no readable Expires parameter. */
    public static Instant expiresAt(String url) {
        if (url == null) {
            return null;
        }
        int query = url.indexOf('?');
        if (query < 0) {
            return null;
        }
        for (String pair : url.substring(query + 1).split("&")) {
            if (pair.regionMatches(true, 0, "Expires=", 0, 8)) {
                try {
                    return Instant.ofEpochSecond(Long.parseLong(pair.substring(8)));
                } catch (NumberFormatException | DateTimeException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
