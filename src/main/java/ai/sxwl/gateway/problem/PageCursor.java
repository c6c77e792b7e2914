package ai.sxwl.gateway.problem;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * The opaque page positions the list APIs hand out as {@code nextCursor}, read back: a cursor the API did not hand
 * out is a 400 problem, never a 500.
 */
public final class PageCursor {

    /** A position in a list ordered by a time, then a key. */
    public record Position(Instant at, String key) {

        public String encode() {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((at + "|" + key).getBytes(StandardCharsets.UTF_8));
        }

        /** The key as the row id it is in id-keyed lists. */
        public long keyAsId() {
            return id(key);
        }
    }

    private PageCursor() {
    }

    public static Position decode(String cursor) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int bar = decoded.indexOf('|');
            return new Position(Instant.parse(decoded.substring(0, bar)), decoded.substring(bar + 1));
        } catch (RuntimeException e) {
            throw notHandedOut();
        }
    }

    /** A cursor that is the id of the last row of the previous page. */
    public static long id(String cursor) {
        try {
            return Long.parseLong(cursor);
        } catch (NumberFormatException e) {
            throw notHandedOut();
        }
    }

    private static ProblemException notHandedOut() {
        return ProblemException.of(400, "Bad Request", "cursor is not one this API handed out.");
    }
}
