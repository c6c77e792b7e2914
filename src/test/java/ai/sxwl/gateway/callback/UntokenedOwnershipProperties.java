package ai.sxwl.gateway.callback;

import ai.sxwl.gateway.history.DetectedBy;
import ai.sxwl.gateway.history.JobLedger;
import ai.sxwl.gateway.history.JobOwner;
import ai.sxwl.gateway.history.JobStatus;
import ai.sxwl.gateway.history.StatusReport;
import ai.sxwl.gateway.history.UpstreamStatus;
import ai.sxwl.gateway.testing.Db;
import ai.sxwl.gateway.testing.SxwlSimulator;
import ai.sxwl.gateway.testing.TestJobs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Inject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static ai.sxwl.gateway.testing.Callbacks.body;
import static ai.sxwl.gateway.testing.Callbacks.untokened;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The property, under one trust setting (the subclasses): no callback without the owner's token changes a job's
 * status or model URL unless upstream, asked with that owner's token, confirmed it. Tried on every kind of job an
 * anonymous sender can name: unknown, the untokened tenant's (acme) or another tenant's (globex), submitted through
 * the proxy or not, running or succeeded; with a success carrying a foreign URL, a failure and a working report.
 */
abstract class UntokenedOwnershipProperties {

    static final String EVIL_URL = "https://evil.example/model.bin?Expires=1893456000";
    private static final String UNTOKENED_TENANT = "acme";

    @Inject
    JobLedger ledger;

    @Inject
    Db db;

    /** Whether this class's application runs with gateway.callback.trust-untokened=true. */
    abstract boolean trusted();

    enum Prior { UNKNOWN, RUNNING, SUCCEEDED }

    record Case(Prior prior, String owner, boolean submitted, String status) {
        @Override
        public String toString() {
            return prior == Prior.UNKNOWN ? "unknown job, " + status
                    : prior + " job of " + owner + (submitted ? " with a submission" : "") + ", " + status;
        }
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (String status : List.of("success", "fail", "working")) {
            cases.add(new Case(Prior.UNKNOWN, UNTOKENED_TENANT, false, status));
            for (Prior prior : List.of(Prior.RUNNING, Prior.SUCCEEDED)) {
                for (String owner : List.of(UNTOKENED_TENANT, "globex")) {
                    for (boolean submitted : List.of(false, true)) {
                        cases.add(new Case(prior, owner, submitted, status));
                    }
                }
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void anUntokenedCallbackChangesOnlyWhatItsOwnerConfirmedOrTrustHandsIt(Case given) {
        String jobId = SxwlSimulator.openJobs(1).get(0); // upstream knows it, and says working
        String priorUrl = TestJobs.signedModelUrl(jobId, 2_000_000_000L);
        if (given.prior != Prior.UNKNOWN) {
            String submissionId = given.submitted ? TestJobs.submission(given.owner, jobId) : null;
            JobOwner owner = new JobOwner(given.owner, submissionId, null, null);
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            QuarkusTransaction.requiringNew().run(() -> {
                ledger.report(jobId, owner, new StatusReport(JobStatus.RUNNING, UpstreamStatus.WORKING, null,
                        DetectedBy.POLL, now, null));
                if (given.prior == Prior.SUCCEEDED) {
                    ledger.report(jobId, owner, new StatusReport(JobStatus.SUCCEEDED, UpstreamStatus.SUCCESS,
                            priorUrl, DetectedBy.POLL, now, null));
                }
            });
        }
        List<Map<String, Object>> before = job(jobId);
        boolean trustHandsIt = trusted() && (given.prior == Prior.UNKNOWN
                || given.owner.equals(UNTOKENED_TENANT) && !given.submitted);

        untokened(body(jobId, given.status, given.status.equals("success") ? EVIL_URL : "")).statusCode(200);

        if (trustHandsIt) {
            if (given.prior == Prior.UNKNOWN) {
                assertEquals(UpstreamStatus.fromWire(given.status).orElseThrow().jobStatus().wire(),
                        job(jobId).get(0).get("status"), "trusted: applied at once");
            }
            return;
        }
        // Upstream says working: the only change it can confirm is "running", and no model URL.
        Set<Object> confirmable = new HashSet<>(Set.of("running"));
        before.forEach(row -> confirmable.add(row.get("status")));
        assertOnlyConfirmed(jobId, confirmable, priorUrl);
        await().atMost(Duration.ofSeconds(20)).until(() -> db.count("SELECT count(*) FROM callback_receipt"
                + " WHERE job_id = ? AND outcome = 'unconfirmed'", jobId) == 0);
        String owner = given.prior == Prior.UNKNOWN ? UNTOKENED_TENANT : given.owner;
        Set<String> asked = statusRequestTokens(jobId);
        assertTrue(asked.isEmpty() || asked.equals(Set.of("Bearer " + SxwlSimulator.TENANT_TOKENS.get(owner))),
                "upstream asked only with the owner's token: " + asked);
        assertEquals(0, db.count("SELECT count(*) FROM job WHERE job_id = ? AND model_url = ?", jobId, EVIL_URL));
        assertEquals(0, db.count("SELECT count(*) FROM job_event WHERE job_id = ? AND model_url = ?", jobId,
                EVIL_URL), "no event carries the sender's URL");
        assertEquals(0, db.count("SELECT count(*) FROM webhook_delivery WHERE job_id = ? AND body LIKE ?", jobId,
                "%evil.example%"));
        assertEquals(0, db.count("SELECT count(*) FROM kafka_outbox WHERE record_key = ? AND payload LIKE ?", jobId,
                "%evil.example%"));
        assertOnlyConfirmed(jobId, confirmable, priorUrl);
    }

    private void assertOnlyConfirmed(String jobId, Set<Object> confirmable, String priorUrl) {
        for (Map<String, Object> row : job(jobId)) {
            assertTrue(confirmable.contains(row.get("status")), "status " + row.get("status") + " of " + jobId);
            assertTrue(row.get("model_url") == null || priorUrl.equals(row.get("model_url")), row.toString());
        }
    }

    private List<Map<String, Object>> job(String jobId) {
        return db.rows("SELECT status, model_url, seq, tenant FROM job WHERE job_id = ? AND status IS NOT NULL",
                jobId);
    }

    /** The Authorization headers of upstream job_status requests about this job. */
    static Set<String> statusRequestTokens(String jobId) {
        return SxwlSimulator.server().findAll(postRequestedFor(urlEqualTo("/api/userJob/job_status"))).stream()
                .filter(request -> request.getBodyAsString().contains(jobId))
                .map(request -> request.getHeader("Authorization")).collect(Collectors.toSet());
    }
}
