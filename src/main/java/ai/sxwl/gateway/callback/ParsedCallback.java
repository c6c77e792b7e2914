package ai.sxwl.gateway.callback;

import ai.sxwl.gateway.history.UpstreamStatus;

/**
 * A callback body that passed validation.
 *
 * @param jobId the id it names, or null when it names none (allowed on the token route)
 * @param url   the model URL, or null when absent or empty
 * @param body  the body exactly as received, kept in the receipt
 */
public record ParsedCallback(String jobId, UpstreamStatus status, String url, String body) {
}
