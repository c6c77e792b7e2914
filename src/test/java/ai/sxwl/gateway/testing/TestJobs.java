package ai.sxwl.gateway.testing;

import ai.sxwl.gateway.history.Submission;
import io.quarkus.narayana.jta.QuarkusTransaction;

import java.time.Instant;
import java.util.UUID;

/** Fresh ids and fixture rows, so that tests never share a job. */
public final class TestJobs {

    private TestJobs() {
    }

    public static String newJobId() {
        return "ai" + UUID.randomUUID();
    }

    /** A submission as the submit proxy records it; returns its id. */
    public static String submission(String tenant, String jobId) {
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 22);
        QuarkusTransaction.requiringNew().run(() -> {
            Submission submission = new Submission();
            submission.id = id;
            submission.tenant = tenant;
            submission.jobId = jobId;
            submission.createdAt = Instant.now();
            submission.persist();
        });
        return id;
    }

    public static String signedModelUrl(String jobId, long expiresEpochSeconds) {
        return "https://sxwl-ai-test.oss-cn-beijing.aliyuncs.com/" + jobId + "%2Fds_model.bin?Expires="
                + expiresEpochSeconds + "&OSSAccessKeyId=LTAI5t9sFbN2QcksHK1LVgRW&Signature=bFuarx6Yo4AAZNEW%3D";
    }
}
