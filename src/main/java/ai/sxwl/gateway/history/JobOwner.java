package ai.sxwl.gateway.history;

/**
 * Who a job belongs to, used when a report creates it.
 *
 * @param submissionId   the proxy submission it came from, or null
 * @param submissionJson that submission's spec, secrets redacted, or null
 * @param labelsJson     the labels given with that submission, as JSON, or null
 */
public record JobOwner(String tenant, String submissionId, String submissionJson, String labelsJson) {

    public static JobOwner tenant(String tenant) {
        return new JobOwner(tenant, null, null, null);
    }

    /** The owner of the job a proxy submission created: its tenant, spec and labels. */
    public static JobOwner of(Submission submission) {
        return new JobOwner(submission.tenant, submission.id, submission.spec, submission.labels);
    }
}
