package ai.sxwl.gateway.feed;

import ai.sxwl.gateway.callback.CallbackTokens;
import ai.sxwl.gateway.testing.JobEventSchema;
import ai.sxwl.gateway.testing.Progress;
import ai.sxwl.gateway.testing.TestJobs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static ai.sxwl.gateway.testing.Api.as;
import static ai.sxwl.gateway.testing.Callbacks.body;
import static ai.sxwl.gateway.testing.Callbacks.onToken;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /api/events: a tenant's CloudEvents in commit order after a cursor, long-polled, scoped to the tenant. */
@QuarkusTest
class EventsFeedTest {

    private static final String TENANT = "globex";

    @Inject
    CallbackTokens tokens;

    @Inject
    ObjectMapper mapper;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void theFeedGivesATenantsEventsInOrderPageByPageFromItsCursor() throws Exception {
        String start = tail(TENANT);
        List<String> jobs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String jobId = TestJobs.newJobId();
            String token = tokens.mint(TestJobs.submission(TENANT, jobId));
            onToken(token, body(jobId, "working", "")).statusCode(200);
            onToken(token, body(jobId, "fail", "")).statusCode(200);
            jobs.add(jobId);
        }
        List<JsonNode> events = readAll(TENANT, start, 1, 6, jobs); // one event per page: the cursor carries on
        List<String> expected = new ArrayList<>();
        jobs.forEach(job -> expected.addAll(List.of(job + ":running", job + ":failed")));
        assertEquals(expected, events.stream().map(e -> e.get("id").asText()).toList());
        for (JsonNode event : events) {
            assertEquals(Optional.empty(), JobEventSchema.violation(event.toString()), "the same CloudEvent as Kafka");
        }
        assertEquals("00000000000000000002", events.get(1).get("sequence").asText());

        // Another tenant sees none of them: acme's feed read from its start up to a change of acme's that committed
        // after all of globex's (the feed is in commit order, so a globex event leaking into it would come before).
        String acmeJob = TestJobs.newJobId();
        onToken(tokens.mint(TestJobs.submission("acme", acmeJob)), body(acmeJob, "fail", "")).statusCode(200);
        List<String> acme = readUpTo("acme", acmeJob + ":failed");
        assertEquals(List.of(), acme.stream().filter(id -> jobs.stream().anyMatch(id::startsWith)).toList(),
                "globex's jobs are not in acme's feed");
        // A filter by type keeps only those.
        List<JsonNode> failed = new ArrayList<>();
        for (JsonNode event : page(TENANT, start, 500, "types=ai.sxwl.job.failed").path("items")) {
            failed.add(event);
        }
        assertTrue(failed.stream().allMatch(e -> e.get("type").asText().equals("ai.sxwl.job.failed")));
        assertEquals(jobs, failed.stream().map(e -> e.get("subject").asText()).filter(jobs::contains).toList());
    }

    @Test
    void aChangeThatCommitsLateIsNotSkippedByACursorThatMovedOn() throws Exception {
        String start = tail(TENANT);
        String early = TestJobs.newJobId();
        try (Connection slow = dataSource.getConnection()) {
            // A transaction takes its event row (and id) first, and commits last.
            slow.setAutoCommit(false);
            insertJobWithEvent(slow, early);
            String late = TestJobs.newJobId();
            onToken(tokens.mint(TestJobs.submission(TENANT, late)), body(late, "fail", "")).statusCode(200);
            List<JsonNode> first = readAll(TENANT, start, 500, 1, List.of(late, early));
            assertEquals(List.of(late + ":failed"), first.stream().map(e -> e.get("id").asText()).toList());
            String cursor = page(TENANT, start, 500, null).path("nextCursor").asText();

            slow.commit();
            List<JsonNode> after = readAll(TENANT, cursor, 500, 1, List.of(late, early));
            assertEquals(List.of(early + ":running"), after.stream().map(e -> e.get("id").asText()).toList(),
                    "the early-inserted, late-committed change comes after the cursor");
        }
    }

    @Test
    void aLongPollAnswersAsSoonAsAnEventArrivesAndAnEmptyOneAtItsWait() throws Exception {
        // Other tests' jobs of this tenant may still change (polls): a long-poll that one of their events answers
        // early is right, so poll again from the new end until a second passes with nothing new.
        long deadline = System.nanoTime() + Progress.CEILING.toNanos();
        String start;
        JsonNode empty;
        long emptyMillis;
        do {
            assertTrue(System.nanoTime() < deadline, "the tenant's feed never stayed quiet for a second");
            start = tail(TENANT);
            long emptyStarted = System.nanoTime();
            empty = page(TENANT, start, 10, "wait=1");
            emptyMillis = (System.nanoTime() - emptyStarted) / 1_000_000;
        } while (!empty.path("items").isEmpty());
        assertEquals(start, empty.path("nextCursor").asText(), "nothing new: the same cursor to poll from");
        assertTrue(emptyMillis >= 900, "an empty long-poll waits its wait (took " + emptyMillis + " ms)");

        // Ten times: a long-poll waits from the end of the feed, a callback arrives, the long-poll answers with it.
        List<Long> latencies = new ArrayList<>();
        List<Long> stored = new ArrayList<>(); // the callback's own 200, the reference: the feed cannot beat it
        String cursor = start;
        for (int i = 0; i < 10; i++) {
            String jobId = TestJobs.newJobId();
            String token = tokens.mint(TestJobs.submission(TENANT, jobId));
            String from = cursor;
            CompletableFuture<JsonNode> waiting = CompletableFuture.supplyAsync(() -> page(TENANT, from, 10,
                    "wait=25"));
            Thread.sleep(300); // the long-poll is waiting (an event before it would be answered at once all the same)
            long sent = System.nanoTime();
            onToken(token, body(jobId, "fail", "")).statusCode(200);
            stored.add((System.nanoTime() - sent) / 1_000_000);
            JsonNode answer = waiting.get(20, TimeUnit.SECONDS);
            latencies.add((System.nanoTime() - sent) / 1_000_000);
            assertTrue(answer.path("items").size() >= 1);
            assertEquals(List.of(jobId + ":failed"), readAll(TENANT, from, 500, 1, List.of(jobId)).stream()
                    .map(e -> e.get("id").asText()).toList());
            cursor = tail(TENANT);
        }
        latencies.sort(null);
        stored.sort(null);
        assertTrue(latencies.get(9) < 5_000, "each long-poll woke for its event, not at its 25 s wait: " + latencies);
        System.out.printf("events feed, 10 runs: callback sent -> waiting long-poll answered median %d ms, max %d ms"
                + " (callback sent -> its 200: median %d ms, max %d ms)%n", latencies.get(5), latencies.get(9),
                stored.get(5), stored.get(9));
    }

    @Test
    void badFeedParametersAre400AndNoKeyIs401() {
        as(TENANT).queryParam("after", "not-a-cursor").get("/api/events").then().statusCode(400)
                .contentType("application/problem+json");
        as(TENANT).queryParam("types", "ai.sxwl.job.exploded").get("/api/events").then().statusCode(400)
                .body("detail", org.hamcrest.Matchers.containsString("exploded"));
        as(TENANT).queryParam("wait", "soon").get("/api/events").then().statusCode(400);
        as(TENANT).queryParam("wait", "-1").get("/api/events").then().statusCode(400);
        RestAssured.given().get("/api/events").then().statusCode(401);
        as(TENANT).queryParam("limit", 100000).queryParam("after", tail(TENANT)).get("/api/events").then()
                .statusCode(200).body("items.size()", equalTo(0));
    }

    @Test
    void aCursorIsOpaqueAndOnlyItsTenantCanReadOnFromIt() {
        String globex = tail(TENANT);
        String acme = tail("acme");
        assertTrue(globex.matches("[A-Za-z0-9_-]{48}"), globex);
        as("acme").queryParam("after", globex).get("/api/events").then().statusCode(400)
                .contentType("application/problem+json");
        as(TENANT).queryParam("after", acme).get("/api/events").then().statusCode(400);
        for (String madeUp : List.of("0", "1", "-1", "9223372036854775807", flip(globex, 0), flip(globex, 20),
                flip(globex, 47), globex.substring(1), globex + "A")) {
            as(TENANT).queryParam("after", madeUp).get("/api/events").then().statusCode(400)
                    .contentType("application/problem+json");
        }
        as(TENANT).queryParam("after", globex).get("/api/events").then().statusCode(200);
    }

    private static String flip(String cursor, int at) {
        char c = cursor.charAt(at);
        return cursor.substring(0, at) + (c == 'A' ? 'B' : 'A') + cursor.substring(at + 1);
    }

    /** The end of the tenant's feed now. */
    private String tail(String tenant) {
        String cursor = null;
        while (true) {
            JsonNode page = page(tenant, cursor, 500, null);
            cursor = page.path("nextCursor").asText();
            if (page.path("items").isEmpty()) {
                return cursor;
            }
        }
    }

    /** The ids of a tenant's feed from its start, page by page, up to this event (which must come within 15 s). */
    private List<String> readUpTo(String tenant, String last) {
        List<String> ids = new ArrayList<>();
        String[] cursor = {null};
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonNode page = page(tenant, cursor[0], 500, null);
            page.path("items").forEach(event -> ids.add(event.get("id").asText()));
            cursor[0] = page.path("nextCursor").asText();
            return ids.contains(last);
        });
        return ids;
    }

    /** Reads on from {@code after}, page by page, until {@code expected} events of these jobs are seen. */
    private List<JsonNode> readAll(String tenant, String after, int limit, int expected, List<String> jobs)
            throws InterruptedException {
        List<JsonNode> seen = new ArrayList<>();
        String cursor = after;
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline && seen.size() < expected) {
            JsonNode page = page(tenant, cursor, limit, null);
            for (JsonNode event : page.path("items")) {
                if (jobs.contains(event.get("subject").asText())) {
                    seen.add(event);
                }
            }
            cursor = page.path("nextCursor").asText();
            if (page.path("items").isEmpty()) {
                Thread.sleep(100);
            }
        }
        return seen;
    }

    private JsonNode page(String tenant, String after, int limit, String extra) {
        String query = "?limit=" + limit + (after == null ? "" : "&after=" + after)
                + (extra == null ? "" : "&" + extra);
        String json = as(tenant).get("/api/events" + query).then().statusCode(200).extract().asString();
        try {
            return mapper.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(json, e);
        }
    }

    private static void insertJobWithEvent(Connection connection, String jobId) throws Exception {
        Timestamp now = Timestamp.from(Instant.now());
        try (PreparedStatement job = connection.prepareStatement("INSERT INTO job (job_id, tenant, status, seq,"
                + " created_at, updated_at) VALUES (?, ?, 'running', 1, ?, ?)");
             PreparedStatement event = connection.prepareStatement("INSERT INTO job_event (job_id, tenant, seq,"
                     + " type, state_key, status, detected_by, occurred_at) VALUES (?, ?, 1, 'running', 'running',"
                     + " 'running', 'poll', ?)")) {
            job.setString(1, jobId);
            job.setString(2, TENANT);
            job.setTimestamp(3, now);
            job.setTimestamp(4, now);
            job.executeUpdate();
            event.setString(1, jobId);
            event.setString(2, TENANT);
            event.setTimestamp(3, now);
            event.executeUpdate();
        }
    }
}
