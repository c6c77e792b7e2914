package ai.sxwl.gateway.tenant;

import ai.sxwl.gateway.edge.ClientAddress;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * API key authentication that resists guessing, for the API's Bearer keys and the console's sign-in alike. Wrong keys
 * are counted (in memory, per replica, for {@link KeyGuessingConfig#failureWindow()} from the first) per client
 * address ({@link ClientAddress}: behind trusted proxies, the nearest address they vouch for), and per tenant when
 * the wrong key names one: it starts with a configured tenant's name and {@code -},
 * {@code _}, {@code .} or {@code :} (keys like {@code acme-…}). An address over its limit is refused everything,
 * without its key being looked at. A tenant over its limit (a guess spread over many addresses) refuses, for that
 * tenant, each address that has itself presented a wrong key for it; an address without failures of its own is
 * always checked, so a right key is never held back by someone else's guesses. A missing key is not a guess and is
 * not counted.
 */
@ApplicationScoped
public class KeyGuessing {

    private static final String SEPARATORS = "-_.:";
    private static final int MAX_COUNTERS = 100_000;

    /** What an attempt comes to. */
    public sealed interface Attempt {
    }

    public record Accepted(Tenant tenant) implements Attempt {
    }

    /** Missing or wrong; says nothing about which. */
    public record Refused() implements Attempt {
    }

    public record Throttled(Duration retryAfter) implements Attempt {
        /** Whole seconds, at least one: the {@code Retry-After} header's value. */
        public long seconds() {
            return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        }
    }

    /** Failures counted since {@code start}; the entry expires one window after it was created. */
    private record Window(Instant start, AtomicInteger failures) {
    }

    private final TenantRegistry tenants;
    private final KeyGuessingConfig config;
    private final ClientAddress clients;
    private final Cache<String, Window> windows;

    KeyGuessing(TenantRegistry tenants, KeyGuessingConfig config, ClientAddress clients) {
        this.tenants = tenants;
        this.config = config;
        this.clients = clients;
        this.windows = Caffeine.newBuilder().maximumSize(MAX_COUNTERS).expireAfterWrite(config.failureWindow())
                .build();
    }

    /** The tenant of {@code key} presented with {@code request}, unless the key is wrong or the sender must wait. */
    public Attempt authenticate(String key, HttpServerRequest request) {
        if (key == null || key.isBlank()) {
            return new Refused();
        }
        String address = clients.of(request);
        String presented = key.trim();
        Instant now = Instant.now();
        Optional<Duration> wait = over("address:" + address, config.maxFailuresPerAddress(), now);
        Optional<String> named = namedTenant(presented);
        if (wait.isEmpty() && named.isPresent() && windows.getIfPresent(pair(named.get(), address)) != null) {
            wait = over("tenant:" + named.get(), config.maxFailuresPerTenant(), now);
        }
        if (wait.isPresent()) {
            return new Throttled(wait.get());
        }
        Optional<Tenant> tenant = tenants.byApiKey(presented);
        if (tenant.isPresent()) {
            return new Accepted(tenant.get());
        }
        count("address:" + address, now);
        named.ifPresent(name -> {
            count("tenant:" + name, now);
            count(pair(name, address), now);
        });
        return new Refused();
    }

    private Optional<Duration> over(String counter, int limit, Instant now) {
        Window window = windows.getIfPresent(counter);
        if (window == null || window.failures().get() < limit) {
            return Optional.empty();
        }
        Duration left = Duration.between(now, window.start().plus(config.failureWindow()));
        return Optional.of(left.isNegative() ? Duration.ZERO : left);
    }

    private void count(String counter, Instant now) {
        windows.get(counter, ignored -> new Window(now, new AtomicInteger())).failures().incrementAndGet();
    }

    private Optional<String> namedTenant(String key) {
        return tenants.all().stream().map(Tenant::name)
                .filter(name -> key.length() > name.length() && key.startsWith(name)
                        && SEPARATORS.indexOf(key.charAt(name.length())) >= 0)
                .max(Comparator.comparingInt(String::length));
    }

    private static String pair(String tenant, String address) {
        return "tenant:" + tenant + "|" + address;
    }
}
