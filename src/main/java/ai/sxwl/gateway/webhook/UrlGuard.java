package ai.sxwl.gateway.webhook;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Where the gateway may send webhooks (SSRF rules). Refused: anything but absolute http(s) URLs of at most 2048
 * characters, and hosts that resolve to loopback, private (RFC 1918, fc00::/7), link-local, CGNAT (100.64/10),
 * multicast, unspecified addresses, unless private addresses are allowed; the cloud metadata address
 * 169.254.169.254 always. Checked when a subscription is saved and again, after a fresh DNS lookup, before every
 * attempt, which then connects to the address that was checked (no DNS rebinding in between).
 */
@ApplicationScoped
public class UrlGuard {

    static final int MAX_URL_LENGTH = 2048;
    private static final byte[] METADATA = {(byte) 169, (byte) 254, (byte) 169, (byte) 254};

    /** Name resolution, replaceable in tests. */
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final boolean allowPrivate;
    private final Resolver resolver;

    @Inject
    UrlGuard(WebhooksConfig config) {
        this(config.allowPrivateAddresses(), InetAddress::getAllByName);
    }

    UrlGuard(boolean allowPrivate, Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
    }

    /** Why this URL may not be a webhook target, or empty when it may (syntax only, no DNS). */
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
            if (uri.getUserInfo() != null) {
                return Optional.of("must not carry credentials");
            }
        } catch (URISyntaxException e) {
            return Optional.of("must be an absolute http or https URL");
        }
        return Optional.empty();
    }

    /**
     * Resolves the URL's host and checks every address. Returns the address to connect to, or the reason it is
     * refused.
     */
    public Resolution resolve(String url) {
        Optional<String> syntax = syntaxProblem(url);
        if (syntax.isPresent()) {
            return Resolution.refused(syntax.get());
        }
        String host = URI.create(url).getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            return Resolution.refused("host " + host + " does not resolve");
        }
        for (InetAddress address : addresses) {
            Optional<String> problem = addressProblem(address);
            if (problem.isPresent()) {
                return Resolution.refused("host " + host + " resolves to " + address.getHostAddress() + ", "
                        + problem.get());
            }
        }
        return addresses.length == 0 ? Resolution.refused("host " + host + " has no address")
                : Resolution.allowed(addresses[0]);
    }

    private Optional<String> addressProblem(InetAddress address) {
        if (address instanceof Inet4Address && Arrays.equals(address.getAddress(), METADATA)) {
            return Optional.of("the cloud metadata address, which is never allowed");
        }
        if (allowPrivate) {
            return Optional.empty();
        }
        if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
            return Optional.of("a loopback address");
        }
        if (address.isLinkLocalAddress()) {
            return Optional.of("a link-local address");
        }
        if (address.isSiteLocalAddress() || isUniqueLocal(address)) {
            return Optional.of("a private address");
        }
        if (address.isMulticastAddress()) {
            return Optional.of("a multicast address");
        }
        if (isCgnat(address)) {
            return Optional.of("a carrier-grade NAT address");
        }
        return Optional.empty();
    }

    private static boolean isCgnat(InetAddress address) {
        byte[] b = address.getAddress();
        return address instanceof Inet4Address && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
    }

    private static boolean isUniqueLocal(InetAddress address) {
        return address instanceof Inet6Address && (address.getAddress()[0] & 0xfe) == 0xfc;
    }

    /** The outcome of a check: an address to connect to, or why not. */
    public record Resolution(InetAddress address, String refusal) {
        static Resolution allowed(InetAddress address) {
            return new Resolution(address, null);
        }

        static Resolution refused(String reason) {
            return new Resolution(null, reason);
        }

        public boolean isAllowed() {
            return address != null;
        }
    }
}
