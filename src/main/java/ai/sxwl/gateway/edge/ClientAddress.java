package ai.sxwl.gateway.edge;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who a request came from, for counting what a client does (wrong keys). The TCP peer, unless the peer is a trusted
 * proxy ({@code quarkus.http.proxy.trusted-proxies}); then {@code X-Forwarded-For} is read from the right, skipping
 * trusted proxies, and the first address that is not one is the client. Quarkus's own forwarding takes the leftmost
 * entry, which the client writes itself whenever its proxy appends (nginx's {@code $proxy_add_x_forwarded_for}): a
 * guesser could then be a new address on every request.
 */
@ApplicationScoped
public class ClientAddress {

    private final List<Range> trusted;

    ClientAddress(@ConfigProperty(name = "quarkus.http.proxy.trusted-proxies") Optional<List<String>> trustedProxies) {
        this.trusted = trustedProxies.orElse(List.of()).stream().flatMap(entry -> Range.parse(entry).stream())
                .toList();
    }

    public String of(HttpServerRequest request) {
        SocketAddress peer = request.connection() == null ? null : request.connection().remoteAddress();
        String client = peer == null ? "unknown" : peer.hostAddress() != null ? peer.hostAddress() : peer.host();
        if (!isTrusted(client)) {
            return client;
        }
        List<String> forwarded = new ArrayList<>();
        for (String header : request.headers().getAll("X-Forwarded-For")) {
            for (String entry : header.split(",")) {
                if (!entry.isBlank()) {
                    forwarded.add(hostOf(entry.trim()));
                }
            }
        }
        for (int i = forwarded.size() - 1; i >= 0; i--) {
            client = forwarded.get(i);
            if (!isTrusted(client)) {
                return client;
            }
        }
        return client;
    }

    private boolean isTrusted(String address) {
        Optional<byte[]> bytes = literal(address);
        return bytes.isPresent() && trusted.stream().anyMatch(range -> range.contains(bytes.get()));
    }

    /** {@code 1.2.3.4:5678}, {@code [::1]:5678} and {@code ::1} alike, without the port. */
    private static String hostOf(String entry) {
        if (entry.startsWith("[")) {
            int end = entry.indexOf(']');
            return end > 0 ? entry.substring(1, end) : entry;
        }
        int colon = entry.indexOf(':');
        return colon > 0 && colon == entry.lastIndexOf(':') ? entry.substring(0, colon) : entry;
    }

    /** The address's bytes when it is an IP literal; never a DNS lookup for a header's text. */
    private static Optional<byte[]> literal(String address) {
        if (address.isEmpty() || !(address.indexOf(':') >= 0 || address.chars().allMatch(c -> c == '.'
                || Character.isDigit(c)))) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(address).getAddress());
        } catch (UnknownHostException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** One trusted-proxies entry: an address, a CIDR block, or a host name resolved once at start. */
    private record Range(byte[] network, int prefix) {

        static List<Range> parse(String entry) {
            String text = entry.trim();
            int slash = text.indexOf('/');
            String host = hostOf(slash >= 0 ? text.substring(0, slash) : text);
            try {
                List<Range> ranges = new ArrayList<>();
                for (InetAddress address : InetAddress.getAllByName(host)) {
                    byte[] bytes = address.getAddress();
                    ranges.add(new Range(bytes, slash >= 0 ? Integer.parseInt(text.substring(slash + 1))
                            : bytes.length * 8));
                }
                return ranges;
            } catch (UnknownHostException | NumberFormatException e) {
                return List.of();
            }
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
