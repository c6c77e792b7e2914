package ai.sxwl.gateway.submit;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A validated job spec.
 *
 * @param upstream       what goes upstream, in the forms SXWL parses, unknown fields untouched, still without the
 *                       gateway's callbackUrl
 * @param callbackTarget the caller's own callbackUrl (the job's downstream webhook), or null
 * @param redacted       the spec as stored and published: env values replaced by "***", no callbackUrl
 */
public record JobSpec(ObjectNode upstream, String callbackTarget, ObjectNode redacted) {

    /** The body to send upstream: the spec with the gateway's callback URL for this submission. */
    public ObjectNode withCallbackUrl(String callbackUrl) {
        ObjectNode body = upstream.deepCopy();
        body.put("callbackUrl", callbackUrl);
        return body;
    }
}
