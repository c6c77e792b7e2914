package ai.sxwl.gateway.callback;

import ai.sxwl.gateway.history.DetectedBy;
import ai.sxwl.gateway.history.JobOwner;
import ai.sxwl.gateway.history.JobStatus;
import ai.sxwl.gateway.history.StatusReport;
import ai.sxwl.gateway.history.UpstreamStatus;
import ai.sxwl.gateway.testing.TestJobs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static ai.sxwl.gateway.testing.Callbacks.body;
import static ai.sxwl.gateway.testing.Callbacks.onToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The ownership property with untokened callbacks untrusted (the production default), and the token route's. */
@QuarkusTest
class UntrustedUntokenedOwnershipTest extends UntokenedOwnershipProperties {

    @Inject
    CallbackTokens tokens;

    @Override
    boolean trusted() {
        return false;
    }

    @Test
    void aTokenCallbackNeverAdoptsAnotherTenantsJob() {
        String jobId = TestJobs.newJobId();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        QuarkusTransaction.requiringNew().run(() -> ledger.report(jobId, JobOwner.tenant("acme"),
                new StatusReport(JobStatus.RUNNING, UpstreamStatus.WORKING, null, DetectedBy.POLL, now, null)));
        String globexSubmission = TestJobs.submission("globex", null); // its upstream answer was lost

        onToken(tokens.mint(globexSubmission), body(jobId, "success", EVIL_URL)).statusCode(422);

        var job = db.rows("SELECT status, model_url, tenant, submission_id FROM job WHERE job_id = ?", jobId).get(0);
        assertEquals("running", job.get("status"));
        assertNull(job.get("model_url"));
        assertEquals("acme", job.get("tenant"));
        assertNull(job.get("submission_id"));
        assertNull(db.rows("SELECT job_id FROM submission WHERE id = ?", globexSubmission).get(0).get("job_id"));
    }
}
