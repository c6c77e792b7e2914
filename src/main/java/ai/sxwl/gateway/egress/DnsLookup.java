package ai.sxwl.gateway.egress;

import jakarta.enterprise.context.ApplicationScoped;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The system resolver, as a bean so that tests can put a misbehaving one in its place. It blocks. */
@ApplicationScoped
public class DnsLookup {

    public InetAddress[] lookup(String host) throws UnknownHostException {
        return InetAddress.getAllByName(host);
    }
}
