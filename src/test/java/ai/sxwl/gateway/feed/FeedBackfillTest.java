package ai.sxwl.gateway.feed;

import ai.sxwl.gateway.testing.Db;
import ai.sxwl.gateway.testing.TestJobs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static ai.sxwl.gateway.testing.Api.as;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * After an upgrade from before the events feed, the changes that had no feed position are numbered once, in the order
 * they happened (occurred_at, id) rather than in id order, and before a change that came after the upgrade even when
 * that one is older by its clock; a consumer reading the feed from the start sees exactly that order. Progress shows
 * in the gauge and the dependencies group.
 */
@QuarkusTest
class FeedBackfillTest {

    private static final String TENANT = "globex";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Db db;

    @Inject
    ObjectMapper mapper;

    record Change(String jobId, int seq, Instant occurredAt, long id) {
        String cloudEventId() {
            return jobId + ":" + (seq == 1 ? "running" : "failed");
        }
    }

    @Test
    void changesFromBeforeTheFeedAreNumberedInTheOrderTheyHappenedBeforeNewerOnes() throws Exception {
        Instant base = Instant.now().minus(Duration.ofHours(1));
        List<Change> older = new ArrayList<>();
        Change newer;
        try (Connection connection = dataSource.getConnection()) {
            // One transaction, so the sequencer sees the changes and the upgrade's record at once.
            connection.setAutoCommit(false);
            // Inserted (ids) in the opposite order of their time: job i happened at base + (5 - i) minutes.
            for (int i = 0; i < 5; i++) {
                String jobId = TestJobs.newJobId();
                Instant started = base.plus(Duration.ofMinutes(5 - i));
                insertJob(connection, jobId);
                older.add(insertEvent(connection, jobId, 1, "running", started));
                older.add(insertEvent(connection, jobId, 2, "failed", started.plusSeconds(30)));
            }
            // The upgrade: everything so far existed before the feed.
            long lastOlder = older.stream().mapToLong(Change::id).max().orElseThrow();
            try (PreparedStatement upgrade = connection.prepareStatement("UPDATE feed_backfill SET last_event_id = ?,"
                    + " after_occurred_at = NULL, after_id = NULL, finished_at = NULL WHERE id = 1")) {
                upgrade.setLong(1, lastOlder);
                assertEquals(1, upgrade.executeUpdate());
            }
            // A change after the upgrade whose own clock is older than all of them: it still comes after them.
            String late = TestJobs.newJobId();
            insertJob(connection, late);
            newer = insertEvent(connection, late, 1, "running", base.minus(Duration.ofMinutes(30)));
            connection.commit();
        }

        List<String> expected = new ArrayList<>(older.stream()
                .sorted(Comparator.comparing(Change::occurredAt).thenComparing(Change::id))
                .map(Change::cloudEventId).toList());
        expected.add(newer.cloudEventId());
        List<String> jobs = new ArrayList<>(older.stream().map(Change::jobId).distinct().toList());
        jobs.add(newer.jobId());
        // The newer change is numbered only after the older ones (then the feed is read once, whatever its speed).
        await().atMost(Duration.ofSeconds(60)).until(() -> db.count("SELECT COUNT(*) FROM job_event"
                + " WHERE id = ? AND feed_position IS NOT NULL", newer.id()) == 1);
        assertEquals(expected, feedFromTheStart(jobs),
                "a consumer from the start: the older changes by their time, then the newer one");

        assertEquals(1, db.count("SELECT COUNT(*) FROM feed_backfill WHERE finished_at IS NOT NULL"));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("gateway_feed_backfill_remaining 0.0"));
        given().get("/q/health/group/dependencies").then()
                .body("checks.find { it.name == 'feed-backfill' }.status", org.hamcrest.Matchers.equalTo("UP"));
    }

    /** The feed's CloudEvent ids of these jobs, read page by page from the start (no cursor). */
    private List<String> feedFromTheStart(List<String> jobs) throws Exception {
        List<String> seen = new ArrayList<>();
        String cursor = "";
        while (true) {
            JsonNode page = mapper.readTree(as(TENANT).get("/api/events?limit=500&after=" + cursor).then()
                    .statusCode(200).extract().asString());
            for (JsonNode event : page.path("items")) {
                if (jobs.contains(event.get("subject").asText())) {
                    seen.add(event.get("id").asText());
                }
            }
            if (page.path("items").isEmpty()) {
                return seen;
            }
            cursor = page.path("nextCursor").asText();
        }
    }

    private static void insertJob(Connection connection, String jobId) throws Exception {
        try (PreparedStatement job = connection.prepareStatement("INSERT INTO job (job_id, tenant, status, seq,"
                + " created_at, updated_at) VALUES (?, ?, 'failed', 2, ?, ?)")) {
            Timestamp now = Timestamp.from(Instant.now());
            job.setString(1, jobId);
            job.setString(2, TENANT);
            job.setTimestamp(3, now);
            job.setTimestamp(4, now);
            job.executeUpdate();
        }
    }

    private static Change insertEvent(Connection connection, String jobId, int seq, String status, Instant at)
            throws Exception {
        try (PreparedStatement event = connection.prepareStatement("INSERT INTO job_event (job_id, tenant, seq, type,"
                + " state_key, status, detected_by, occurred_at) VALUES (?, ?, ?, ?, ?, ?, 'poll', ?) RETURNING id")) {
            event.setString(1, jobId);
            event.setString(2, TENANT);
            event.setInt(3, seq);
            event.setString(4, status);
            event.setString(5, status);
            event.setString(6, status);
            event.setTimestamp(7, Timestamp.from(at));
            try (ResultSet id = event.executeQuery()) {
                id.next();
                return new Change(jobId, seq, at, id.getLong(1));
            }
        }
    }
}
