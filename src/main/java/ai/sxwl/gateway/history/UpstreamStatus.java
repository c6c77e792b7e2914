package ai.sxwl.gateway.history;

import java.util.Optional;

/** A status as SXWL reports it, in callbacks and in job_status answers. */
public enum UpstreamStatus {
    SUCCESS("success", JobStatus.SUCCEEDED),
    FAIL("fail", JobStatus.FAILED),
    WORKING("working", JobStatus.RUNNING);

    private final String wire;
    private final JobStatus jobStatus;

    UpstreamStatus(String wire, JobStatus jobStatus) {
        this.wire = wire;
        this.jobStatus = jobStatus;
    }

    public String wire() {
        return wire;
    }

    /** The normalized state this upstream status means. */
    public JobStatus jobStatus() {
        return jobStatus;
    }

    public static Optional<UpstreamStatus> fromWire(String value) {
        for (UpstreamStatus status : values()) {
            if (status.wire.equals(value)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }
}
