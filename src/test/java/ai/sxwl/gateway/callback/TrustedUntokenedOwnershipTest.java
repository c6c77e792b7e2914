package ai.sxwl.gateway.callback;

import ai.sxwl.gateway.testing.EventsTopic;
import ai.sxwl.gateway.testing.Progress;
import ai.sxwl.gateway.testing.SxwlSimulator;
import ai.sxwl.gateway.testing.TestJobs;
import ai.sxwl.gateway.testing.TestKafka;
import io.agroal.api.AgroalDataSource;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static ai.sxwl.gateway.testing.Api.as;
import static ai.sxwl.gateway.testing.Api.spec;
import static ai.sxwl.gateway.testing.Callbacks.body;
import static ai.sxwl.gateway.testing.Callbacks.untokened;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ownership property with untokened callbacks trusted (the embedded default), and issue 18's attack replayed: an
 * anonymous success with a foreign model URL for a job another tenant submitted through the proxy. One application
 * start of its own (the trust setting is read at startup).
 */
@QuarkusTest
@TestProfile(TrustedUntokenedOwnershipTest.TrustUntokened.class)
class TrustedUntokenedOwnershipTest extends UntokenedOwnershipProperties {

    private static final EventsTopic EVENTS = TestKafka.topic("sxwl.job.events");
    private static final WireMockServer RECEIVER = new WireMockServer(options().dynamicPort());

    static {
        RECEIVER.start();
        Runtime.getRuntime().addShutdownHook(new Thread(RECEIVER::stop));
    }

    public static class TrustUntokened implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // The restart keeps the schema the default profile's start migrated: cleaning and migrating it again
            // would only cost time (every test here uses ids of its own).
            return Map.of("gateway.callback.trust-untokened", "true", "quarkus.flyway.clean-at-start", "false");
        }
    }

    @Inject
    AgroalDataSource dataSource;

    @Override
    boolean trusted() {
        return true;
    }

    /**
     * A callback's new job is inserted without first waiting on other transactions that might create it too. When one
     * does (here a transaction the test holds open), the callback's batch fails on the job's key and is stored again
     * one callback at a time, which finds the job: the callback is still answered 200 and applied, once.
     */
    @Test
    void aCallbackWhoseNewJobAnotherTransactionCreatesMeanwhileIsStillStoredAndAppliedOnce() throws Exception {
        String jobId = TestJobs.newJobId();
        CompletableFuture<Integer> answer;
        try (Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            try (PreparedStatement insert = other.prepareStatement("INSERT INTO job (job_id, tenant, status, seq,"
                    + " created_at, updated_at) VALUES (?, 'acme', NULL, 0, now(), now())")) {
                insert.setString(1, jobId);
                insert.executeUpdate();
            }
            answer = CompletableFuture.supplyAsync(() -> untokened(body(jobId, "fail", "")).extract().statusCode());
            // The callback's own insert of the job waits for this transaction to end.
            await().atMost(Progress.CEILING).until(() -> db.count("SELECT count(*) FROM pg_stat_activity"
                    + " WHERE wait_event_type = 'Lock' AND query ILIKE 'insert into job %'") == 1);
            other.commit();
        }
        assertEquals(200, answer.get(Progress.CEILING.toSeconds(), TimeUnit.SECONDS));
        assertEquals("failed", db.rows("SELECT status FROM job WHERE job_id = ?", jobId).get(0).get("status"));
        assertEquals(1, db.count("SELECT count(*) FROM job_event WHERE job_id = ?", jobId));
    }

    @Test
    void anAnonymousSuccessForAnotherTenantsSubmittedJobWaitsForUpstreamAskedWithThatTenantsToken() {
        String path = "/b-callback/" + UUID.randomUUID();
        RECEIVER.stubFor(post(path).willReturn(aResponse().withStatus(200)));
        String jobId = as("globex").body(spec("keeps working")
                        .replace("https://llm.nascentcore.cn/api/test/callback", "http://localhost:" + RECEIVER.port() + path))
                .post("/api/userJob").then().statusCode(200).extract().path("job_id");

        untokened(body(jobId, "success", EVIL_URL)).statusCode(200);

        var job = db.rows("SELECT status, model_url FROM job WHERE job_id = ?", jobId).get(0);
        assertTrue(Set.of("submitted", "running").contains(job.get("status")), "unchanged: " + job);
        assertNull(job.get("model_url"));
        await().atMost(Duration.ofSeconds(20)).until(() -> !statusRequestTokens(jobId).isEmpty());
        assertEquals(Set.of("Bearer " + SxwlSimulator.TENANT_TOKENS.get("globex")), statusRequestTokens(jobId));
        await().atMost(Duration.ofSeconds(20)).until(() -> db.count("SELECT count(*) FROM callback_receipt"
                + " WHERE job_id = ? AND outcome = 'anomaly'", jobId) == 1); // upstream says working
        assertEquals("running", db.rows("SELECT status FROM job WHERE job_id = ?", jobId).get(0).get("status"));

        SxwlSimulator.finish(jobId, true); // now upstream, asked with globex's token, says success
        await().atMost(Duration.ofSeconds(30)).until(() -> "succeeded".equals(
                db.rows("SELECT status FROM job WHERE job_id = ?", jobId).get(0).get("status")));
        String modelUrl = (String) db.rows("SELECT model_url FROM job WHERE job_id = ?", jobId).get(0).get("model_url");
        assertTrue(modelUrl.startsWith("https://sxwl-sim."), "upstream's own URL: " + modelUrl);

        await().atMost(Duration.ofSeconds(20)).until(() -> RECEIVER.findAll(postRequestedFor(urlEqualTo(path))).stream()
                .anyMatch(request -> request.getBodyAsString().contains("\"success\"")));
        List<LoggedRequest> posted = RECEIVER.findAll(postRequestedFor(urlEqualTo(path)));
        assertTrue(posted.stream().allMatch(r -> r.getBodyAsString().contains(modelUrl)), "B's callbackUrl gets upstream's URL");
        await().atMost(Duration.ofSeconds(20)).until(() -> EVENTS.records(jobId).size() >= 3);
        assertFalse(EVENTS.records(jobId).stream().anyMatch(r -> r.value().contains("evil.example")),
                "no CloudEvent carries the sender's URL");
        assertEquals(0, db.count("SELECT count(*) FROM job_event WHERE job_id = ? AND model_url LIKE ?", jobId,
                "%evil.example%"));
    }
}
