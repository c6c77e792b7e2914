package ai.sxwl.gateway.testing;

import ai.sxwl.gateway.egress.DnsLookup;
import io.quarkus.test.Mock;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The system resolver, except that names under {@code .blackhole.test} never answer, like a black-holed DNS. */
@Mock
@ApplicationScoped
public class BlackHoledDns extends DnsLookup {

    public static final String DOMAIN = ".blackhole.test";

    @Override
    public InetAddress[] lookup(String host) throws UnknownHostException {
        if (host.endsWith(DOMAIN)) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new UnknownHostException(host);
        }
        return super.lookup(host);
    }
}
