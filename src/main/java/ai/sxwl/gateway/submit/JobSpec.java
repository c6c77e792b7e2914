package ai.sxwl.gateway.submit;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.SortedMap;

/**
 * A validated job spec.
 *
 * @param upstream       what goes upstream, in the forms SXWL parses, unknown fields untouched, still without the
 *                       gateway's callbackUrl
 * @param callbackTarget the caller's own callbackUrl (the job's downstream webhook), or null
 * @param redacted       the spec as stored and published: env values replaced by "***", no callbackUrl
 * @param timedRun       for stopType 1, how long the job runs (stopTime minutes); null for jobs that run to their end
 * @param labels         the caller's labels (Gateway-Labels header and the body's {@code labels}), never sent upstream
 */
public record JobSpec(ObjectNode upstream, String callbackTarget, ObjectNode redacted, Duration timedRun,
                      SortedMap<String, String> labels) {

    /** The body to send upstream: the spec with the gateway's callback URL for this submission. */
    public ObjectNode withCallbackUrl(String callbackUrl) {
        ObjectNode body = upstream.deepCopy();
        body.put("callbackUrl", callbackUrl);
        return body;
    }
}
