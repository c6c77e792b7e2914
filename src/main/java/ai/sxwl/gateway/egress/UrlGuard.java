package ai.sxwl.gateway.egress;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Where the gateway may send (SSRF rules, SPEC section 4). Refused always: anything but absolute http(s) URLs of at
 * most 2048 characters without credentials and with a port in 1–65535, and cloud metadata endpoints (all of
 * 169.254.0.0/16 and fe80::/10, 100.100.100.200, fd00:ec2::254). Refused unless private addresses are allowed:
 * loopback, unspecified, private (RFC 1918, fc00::/7, fec0::/10), CGNAT 100.64/10, benchmarking 198.18/15, 0/8,
 * multicast and reserved. IPv6 forms that carry an IPv4 address are judged by that address: IPv4-mapped, IPv4-compatible,
 * SIIT ::ffff:0:0/96, NAT64 64:ff9b::/96 and the local-use 64:ff9b:1::/48 (RFC 8215), 6to4 2002::/16 and Teredo
 * 2001::/32 (its client address, inverted). Checked when a URL is saved and again, after a fresh lookup, before every
 * attempt, which then connects to the address that was checked (no DNS rebinding in between). Every refusal after the
 * syntax check says the same thing, whether the host did not resolve, resolved too slowly or resolved to a forbidden
 * address: the answer is no oracle for what a name resolves to inside the gateway's network.
 */
@ApplicationScoped
public class UrlGuard {

    static final int MAX_URL_LENGTH = 2048;
    /** The one refusal for a host, whatever the cause (no lookup, a slow one, or a forbidden address). */
    static final String NOT_ALLOWED = "does not resolve, within the DNS timeout, to an address the gateway may send"
            + " to (public: not loopback, private, link-local, cloud metadata or reserved)";
    private static final int MAX_PORT = 65_535;
    private static final byte[] NAT64_WELL_KNOWN = {0, 0x64, (byte) 0xff, (byte) 0x9b};
    private static final byte[] NAT64_LOCAL_USE = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 1};
    private static final int DNS_THREADS = 8;
    private static final int DNS_QUEUE = 1024;

    /** Name resolution, replaceable in tests. */
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final boolean allowPrivate;
    private final Resolver resolver;
    private final Duration dnsTimeout;
    private final ThreadPoolExecutor dnsPool;
    /** One lookup per host at a time: a black-holed name ties up one thread, however many deliveries wait on it. */
    private final Map<String, CompletableFuture<InetAddress[]>> lookups = new ConcurrentHashMap<>();

    @Inject
    UrlGuard(@ConfigProperty(name = "gateway.webhooks.allow-private-addresses", defaultValue = "false")
             boolean allowPrivate,
             @ConfigProperty(name = "gateway.webhooks.dns-timeout", defaultValue = "5s") Duration dnsTimeout,
             DnsLookup dns) {
        this(allowPrivate, dns::lookup, dnsTimeout);
    }

    public UrlGuard(boolean allowPrivate, Resolver resolver, Duration dnsTimeout) {
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
        this.dnsTimeout = dnsTimeout;
        this.dnsPool = new ThreadPoolExecutor(DNS_THREADS, DNS_THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(DNS_QUEUE), r -> {
            Thread thread = new Thread(r, "egress-dns");
            thread.setDaemon(true);
            return thread;
        });
        dnsPool.allowCoreThreadTimeOut(true);
    }

    /** Why this URL may not be a target, or empty when it may (syntax only, no DNS). */
    public Optional<String> syntaxProblem(String url) {
        if (url == null || url.isBlank()) {
            return Optional.of("is required");
        }
        if (url.length() > MAX_URL_LENGTH) {
            return Optional.of("must be at most " + MAX_URL_LENGTH + " characters");
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme();
            if (!("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) || uri.getHost() == null) {
                return Optional.of("must be an absolute http or https URL");
            }
            if (uri.getRawUserInfo() != null) {
                return Optional.of("must not carry credentials");
            }
            if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > MAX_PORT)) {
                return Optional.of("must have a port between 1 and " + MAX_PORT);
            }
        } catch (URISyntaxException e) {
            return Optional.of("must be an absolute http or https URL");
        }
        return Optional.empty();
    }

    /** {@link #check} for a caller that can wait (saving a URL): at most the DNS timeout. */
    public Resolution resolve(String url) {
        return check(url).toCompletableFuture().join();
    }

    /**
     * Why this URL may not be a target (its syntax, or where it resolves to), as a field error; empty when it may.
     *
     * @param mustResolve whether a host that does not resolve now is refused too (a subscription), or let through to
     *                    be checked again at each attempt (a job's callback URL: a submit is not refused for a DNS
     *                    hiccup)
     */
    public Optional<String> targetProblem(String url, boolean mustResolve) {
        Optional<String> syntax = syntaxProblem(url);
        if (syntax.isPresent()) {
            return syntax;
        }
        Resolution resolution = resolve(url);
        return resolution.isAllowed() || (!mustResolve && !resolution.resolved()) ? Optional.empty()
                : Optional.of("is refused: " + resolution.refusal());
    }

    /**
     * Resolves the URL's host on the guard's own pool, within the DNS timeout, and checks every address. Completes
     * with the address to connect to, or the reason the URL is refused; never exceptionally.
     */
    public CompletionStage<Resolution> check(String url) {
        Optional<String> syntax = syntaxProblem(url);
        if (syntax.isPresent()) {
            return CompletableFuture.completedFuture(Resolution.refused(syntax.get()));
        }
        String host = URI.create(url).getHost();
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        String refusal = "host " + bare + " " + NOT_ALLOWED;
        return lookup(bare).handle((addresses, failure) -> {
            if (failure != null || addresses.length == 0) {
                return Resolution.unresolved(refusal);
            }
            for (InetAddress address : addresses) {
                if (!allowed(address)) {
                    return Resolution.refused(refusal);
                }
            }
            return Resolution.allowed(addresses[0]);
        });
    }

    private CompletableFuture<InetAddress[]> lookup(String host) {
        CompletableFuture<InetAddress[]> mine = new CompletableFuture<>();
        CompletableFuture<InetAddress[]> running = lookups.putIfAbsent(host, mine);
        if (running != null) {
            return running.copy().orTimeout(dnsTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        try {
            dnsPool.execute(() -> {
                InetAddress[] addresses = null;
                Throwable failure = null;
                try {
                    addresses = resolver.resolve(host);
                } catch (Exception | Error e) {
                    failure = e;
                }
                // Out of the map before anyone hears the answer: a check that starts after it looks up afresh.
                lookups.remove(host, mine);
                if (failure == null) {
                    mine.complete(addresses);
                } else {
                    mine.completeExceptionally(failure);
                }
            });
        } catch (RuntimeException saturated) {
            lookups.remove(host, mine);
            mine.completeExceptionally(saturated);
        }
        return mine.copy().orTimeout(dnsTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the gateway may connect to this address: an IPv6 form that carries IPv4 only if every reading may. */
    boolean allowed(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            return allowedIpv4(b);
        }
        List<byte[]> carried = embeddedIpv4(b);
        return carried.isEmpty() ? allowedIpv6(b) : carried.stream().allMatch(this::allowedIpv4);
    }

    private boolean allowedIpv4(byte[] a) {
        int first = a[0] & 0xff;
        int second = a[1] & 0xff;
        boolean metadata = (first == 169 && second == 254) // link-local: AWS/GCP/Azure 169.254.169.254, ECS .170.2
                || Arrays.equals(a, new byte[]{100, 100, 100, (byte) 200}); // Alibaba Cloud
        if (metadata) {
            return false;
        }
        if (allowPrivate) {
            return true;
        }
        boolean internal = first == 0 || first == 10 || first == 127
                || (first == 100 && (second & 0xc0) == 64)   // CGNAT 100.64/10
                || (first == 172 && (second & 0xf0) == 16)   // 172.16/12
                || (first == 192 && second == 168)
                || (first == 198 && (second & 0xfe) == 18)   // benchmarking 198.18/15
                || first >= 224;                             // multicast, reserved, broadcast
        return !internal;
    }

    private boolean allowedIpv6(byte[] b) {
        boolean linkLocal = (b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80;
        boolean awsMetadata = Arrays.equals(b, new byte[]{(byte) 0xfd, 0, 0x0e, (byte) 0xc2, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0x02, 0x54});
        if (linkLocal || awsMetadata) {
            return false;
        }
        if (allowPrivate) {
            return true;
        }
        boolean zeroPrefix = true;
        for (int i = 0; i < 15; i++) {
            zeroPrefix &= b[i] == 0;
        }
        boolean loopbackOrUnspecified = zeroPrefix && (b[15] == 0 || b[15] == 1);
        boolean uniqueLocal = (b[0] & 0xfe) == 0xfc;
        boolean siteLocal = (b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0;
        boolean multicast = (b[0] & 0xff) == 0xff;
        return !(loopbackOrUnspecified || uniqueLocal || siteLocal || multicast);
    }

    /**
     * The IPv4 addresses an IPv6 address may carry (empty for none). One for the fixed forms; for the local-use NAT64
     * block 64:ff9b:1::/48 the operator's prefix may be /48, /56, /64 or /96 inside it (RFC 6052 section 2.2), so
     * every position whose reserved octet (bits 64-71) and suffix are zero is a reading, the all-zero padding aside.
     */
    static List<byte[]> embeddedIpv4(byte[] b) {
        if (zero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff                    // ::ffff:a.b.c.d
                || zero(b, 0, 8) && (b[8] & 0xff) == 0xff && (b[9] & 0xff) == 0xff && zero(b, 10, 12) // SIIT
                || zero(b, 0, 12) && !(zero(b, 12, 15) && (b[15] == 0 || b[15] == 1))             // ::a.b.c.d
                || startsWith(b, NAT64_WELL_KNOWN) && zero(b, 4, 12)) {                           // 64:ff9b::/96
            return List.of(Arrays.copyOfRange(b, 12, 16));
        }
        if (b[0] == 0x20 && b[1] == 0x02) {                                                       // 6to4 2002::/16
            return List.of(Arrays.copyOfRange(b, 2, 6));
        }
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) {                             // Teredo 2001::/32
            byte[] client = Arrays.copyOfRange(b, 12, 16);
            for (int i = 0; i < client.length; i++) {
                client[i] = (byte) ~client[i];
            }
            return List.of(client);
        }
        if (startsWith(b, NAT64_LOCAL_USE)) {                                                     // 64:ff9b:1::/48
            List<byte[]> readings = new ArrayList<>();
            readings.add(Arrays.copyOfRange(b, 12, 16));                                          // /96
            if (b[8] == 0) {
                addReading(readings, b, new int[]{9, 10, 11, 12}, 13);                            // /64
                addReading(readings, b, new int[]{7, 9, 10, 11}, 12);                             // /56
                addReading(readings, b, new int[]{6, 7, 9, 10}, 11);                              // /48
            }
            List<byte[]> meaningful = readings.stream().filter(ipv4 -> !zero(ipv4, 0, 4)).toList();
            return meaningful.isEmpty() ? List.of(new byte[4]) : meaningful;
        }
        return List.of();
    }

    private static void addReading(List<byte[]> readings, byte[] b, int[] positions, int suffixFrom) {
        if (zero(b, suffixFrom, 16)) {
            byte[] ipv4 = new byte[4];
            for (int i = 0; i < 4; i++) {
                ipv4[i] = b[positions[i]];
            }
            readings.add(ipv4);
        }
    }

    private static boolean zero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        return Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
    }

    @PreDestroy
    void close() {
        dnsPool.shutdownNow();
    }

    /**
     * The outcome of a check: an address to connect to, or why not.
     *
     * @param resolved false when the refusal is that the host did not resolve (now)
     */
    public record Resolution(InetAddress address, String refusal, boolean resolved) {
        static Resolution allowed(InetAddress address) {
            return new Resolution(address, null, true);
        }

        static Resolution refused(String reason) {
            return new Resolution(null, reason, true);
        }

        static Resolution unresolved(String reason) {
            return new Resolution(null, reason, false);
        }

        public boolean isAllowed() {
            return address != null;
        }
    }
}
