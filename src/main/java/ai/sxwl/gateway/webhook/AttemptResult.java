package ai.sxwl.gateway.webhook;

/**
 * What one attempt came to.
 *
 * @param status     the HTTP status, or null when no answer came
 * @param retryAfter the Retry-After header, if any
 * @param error      why no answer came (timeout, connection refused, address refused), or null
 */
record AttemptResult(Integer status, String retryAfter, String excerpt, String error, int latencyMs) {

    boolean succeeded() {
        return status != null && status >= 200 && status < 300;
    }

    boolean gone() {
        return status != null && status == 410;
    }
}
