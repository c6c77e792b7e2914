package ai.sxwl.gateway.upstream;

/** Upstream failed (5xx, unreachable, garbage, timeout), as opposed to answering no: retried where safe. */
public class UpstreamFault extends UpstreamException {

    UpstreamFault(Kind kind, String message) {
        super(kind, message);
    }
}
