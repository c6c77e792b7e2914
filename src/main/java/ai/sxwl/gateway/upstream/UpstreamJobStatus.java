package ai.sxwl.gateway.upstream;

import ai.sxwl.gateway.history.UpstreamStatus;

/** A job_status answer: the status, and the model URL (null unless the job succeeded with one). */
public record UpstreamJobStatus(UpstreamStatus status, String url) {
}
