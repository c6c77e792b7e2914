package ai.sxwl.gateway.testing;

import ai.sxwl.gateway.history.Submission;
import io.quarkus.narayana.jta.QuarkusTransaction;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/** Fresh ids and fixture rows, so that tests never share a job. */
public final class TestJobs {

    /** The test broker's num.partitions (KafkaBroker). */
    private static final int PARTITIONS = 3;

    private TestJobs() {
    }

    public static String newJobId() {
        return "ai" + UUID.randomUUID();
    }

    /**
     * A fresh job id whose records land in the same partition as {@code jobId}'s (the producer's default partitioner,
     * the test broker's three partitions): an event of it committed later is published after every event of
     * {@code jobId} committed before, and a partition keeps that order. Once it has arrived, so has anything of
     * {@code jobId} that was going to.
     */
    public static String newJobIdInPartitionOf(String jobId) {
        String later;
        do {
            later = newJobId();
        } while (partition(later) != partition(jobId));
        return later;
    }

    private static int partition(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
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
