package ai.sxwl.gateway.callback;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/**
 * Dedupe keys of callbacks this replica has already stored: an exact repeat is answered without touching the
 * database. Only a fast path: the database's unique constraints decide for everything this cache has not seen.
 */
@ApplicationScoped
public class RecentCallbacks {

    private final Cache<String, Boolean> stored = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(Duration.ofHours(1))
            .build();

    boolean alreadyStored(String dedupeKey) {
        return stored.getIfPresent(dedupeKey) != null;
    }

    void remember(String dedupeKey) {
        stored.put(dedupeKey, Boolean.TRUE);
    }
}
