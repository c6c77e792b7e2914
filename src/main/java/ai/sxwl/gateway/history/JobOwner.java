package ai.sxwl.gateway.history;

/**
 * Who a job belongs to, used when a report creates it.
 *
 * @param submissionId   the proxy submission it came from, or null
 * @param submissionJson that submission's spec, secrets redacted, or null
 */
public record JobOwner(String tenant, String submissionId, String submissionJson) {

    public static JobOwner tenant(String tenant) {
        return new JobOwner(tenant, null, null);
    }
}
