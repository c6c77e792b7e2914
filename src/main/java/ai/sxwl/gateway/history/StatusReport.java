package ai.sxwl.gateway.history;

import java.time.Instant;

/**
 * What one source (a callback, a poll, the proxy) says about a job: the state it is in now.
 *
 * @param modelUrl    the signed model URL, or null when the report carries none
 * @param traceparent the W3C trace context of the request or poll that brought the report, or null
 */
public record StatusReport(JobStatus status, UpstreamStatus upstreamStatus, String modelUrl, DetectedBy detectedBy,
                           Instant at, String traceparent) {
}
