package ai.sxwl.gateway.history;

import ai.sxwl.gateway.callback.CallbackTokens;
import ai.sxwl.gateway.testing.Jobs;
import ai.sxwl.gateway.testing.SqlStatements;
import ai.sxwl.gateway.testing.TestJobs;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static ai.sxwl.gateway.testing.Api.as;
import static ai.sxwl.gateway.testing.Callbacks.body;
import static ai.sxwl.gateway.testing.Callbacks.onToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /api/jobs and /api/deliveries as people use them: search, filters, paging, tenants, and their cost. */
@QuarkusTest
class HistoryQueriesTest {

    @Inject
    Jobs jobs;

    @Inject
    CallbackTokens tokens;

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void underscoresPercentsAndBackslashesInQAreSearchedLiterally() {
        String underscore = job("acme", "running", "ai_" + run + "_x", "{\"pretrainedModelName\":\"plain\"}");
        String lookalike = job("acme", "running", "aiz" + run + "zx", "{\"pretrainedModelName\":\"plain\"}");
        String percent = job("acme", "failed", "ai-" + run + "-p", "{\"pretrainedModelName\":\"glm_6b%v2\\\\" + run
                + "\"}");

        assertEquals(List.of(underscore), ids("q=_" + run + "_"));
        assertEquals(List.of(percent), ids("q=" + encode("6b%v2\\" + run)));
        assertEquals(List.of(percent), ids("q=" + encode("GLM_6B%V2"), "since=" + Instant.now().minusSeconds(60)));
        assertTrue(ids("q=" + encode("%" + run)).isEmpty(), "% is a character, not a wildcard");
        assertTrue(ids("q=aiz" + run).contains(lookalike));
        // Shorter than the 6-character pieces of the id index: found all the same.
        assertTrue(ids("q=" + run.substring(0, 5)).containsAll(List.of(underscore, lookalike, percent)));
        // A piece of an id that is also in no name, and a name that is in no id.
        assertEquals(List.of(lookalike), ids("q=" + run + "zx"));
        assertEquals(List.of(lookalike, underscore), ids("q=plain"));
    }

    @Test
    void filtersCombineAndEveryOneIsScopedToTheTenant() {
        Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(1);
        String failed = job("acme", "failed", "ai-" + run + "-f", "{\"gpuType\":\"H100-" + run + "\"}");
        String lost = job("acme", "lost", "ai-" + run + "-l", "{\"gpuType\":\"H100-" + run + "\"}");
        String running = job("acme", "running", "ai-" + run + "-r", "{\"gpuType\":\"H100-" + run + "\"}");
        String other = job("globex", "failed", "ai-" + run + "-g", "{\"gpuType\":\"H100-" + run + "\"}");
        String q = "q=h100-" + run;

        assertEquals(List.of(running, lost, failed), ids(q));
        assertEquals(List.of(failed), ids(q, "status=failed"));
        assertEquals(List.of(lost, failed), ids(q, "status=failed,lost"));
        assertEquals(List.of(lost, failed), ids(q, "status=lost", "status=failed"));
        assertEquals(List.of(running, lost, failed), ids(q, "since=" + start, "until=" + Instant.now().plusSeconds(1)));
        assertTrue(ids(q, "until=" + start).isEmpty());
        assertEquals(List.of(other), idsOf("globex", q, "status=failed,lost,running"));
        assertTrue(idsOf("globex", q, "status=running").isEmpty());
        as("globex").get("/api/jobs/" + failed).then().statusCode(404);
        as("acme").get("/api/jobs?status=exploded").then().statusCode(400);
    }

    @Test
    void cursorPagesStayStableWhileNewJobsArrive() {
        String q = "q=page-" + run;
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            created.add(0, job("acme", i % 2 == 0 ? "failed" : "running", String.format("ai-page-%s-%02d", run, i),
                    null));
        }
        AtomicBoolean inserting = new AtomicBoolean(true);
        Thread newcomers = new Thread(() -> {
            for (int i = 0; inserting.get() && i < 200; i++) {
                job("acme", "running", "ai-page-" + run + "-new-" + i, null);
            }
        });
        newcomers.start();
        try {
            for (String statuses : List.of("status=", "status=failed,running")) {
                List<String> seen = new ArrayList<>();
                String cursor = null;
                do {
                    var page = as("acme").get("/api/jobs?limit=5&" + q + "&" + statuses
                            + (cursor == null ? "" : "&cursor=" + cursor)).then().statusCode(200).extract();
                    seen.addAll(page.<List<String>>path("items.jobId"));
                    cursor = page.path("nextCursor");
                } while (cursor != null);
                List<String> old = seen.stream().filter(id -> !id.contains("-new-")).toList();
                assertEquals(created, old, "every job present when paging began, once, in order (" + statuses + ")");
            }
        } finally {
            inserting.set(false);
        }
    }

    @Test
    void aDeliveriesPageReadsAttemptsInOneQueryWhateverItsSize() {
        String jobId = job("acme", "failed", "ai-" + run + "-d", null);
        for (int i = 0; i < 30; i++) {
            jobs.update("INSERT INTO webhook_delivery (message_id, tenant, target_key, url, job_id, seq, event_id,"
                    + " event_type, body, state, attempts, created_at, updated_at) VALUES (?, 'acme', 'job',"
                    + " 'http://localhost:1/', ?, ?, ?, 'ai.sxwl.job.failed', '{}', 'dead', 1, ?, ?)",
                    "msg_" + run + i, jobId, i + 1, jobId + ":" + i, Instant.now(), Instant.now());
            jobs.update("INSERT INTO delivery_attempt (delivery_id, attempted_at, status_code, latency_ms)"
                    + " SELECT id, ?, 500, 3 FROM webhook_delivery WHERE message_id = ?", Instant.now(), "msg_" + run + i);
        }
        long small = attemptQueries("/api/deliveries?jobId=" + jobId + "&limit=3", 3);
        long large = attemptQueries("/api/deliveries?jobId=" + jobId + "&limit=30", 30);
        assertEquals(1, small);
        assertEquals(small, large, "the number of queries does not grow with the page");
    }

    private long attemptQueries(String path, int expectedItems) {
        long before = SqlStatements.selectsFrom("delivery_attempt");
        as("acme").get(path).then().statusCode(200)
                .body("items.size()", org.hamcrest.Matchers.equalTo(expectedItems))
                .body("items[0].attempts.size()", org.hamcrest.Matchers.equalTo(1));
        return SqlStatements.selectsFrom("delivery_attempt") - before;
    }

    /** A job with this status, id and submitted spec, recorded as the gateway records one (a token callback). */
    private String job(String tenant, String status, String jobId, String spec) {
        String submission = TestJobs.submission(tenant, jobId);
        if (spec != null) {
            jobs.update("UPDATE submission SET spec = ? WHERE id = ?", spec, submission);
        }
        String upstream = switch (status) {
            case "running" -> "working";
            case "failed" -> "fail";
            default -> null;
        };
        if (upstream != null) {
            onToken(tokens.mint(submission), body(jobId, upstream, "")).statusCode(200);
        } else { // lost: the gateway's own verdict
            onToken(tokens.mint(submission), body(jobId, "working", "")).statusCode(200);
            jobs.update("UPDATE job SET status = ? WHERE job_id = ?", status, jobId);
        }
        jobs.update("UPDATE job SET next_poll_at = NULL WHERE job_id = ?", jobId);
        return jobId;
    }

    private static List<String> ids(String... filters) {
        return idsOf("acme", filters);
    }

    private static List<String> idsOf(String tenant, String... filters) {
        return as(tenant).urlEncodingEnabled(false).get("/api/jobs?limit=200&" + String.join("&", filters)).then()
                .statusCode(200).extract().path("items.jobId");
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }
}
