package ai.sxwl.gateway.production;

import ai.sxwl.gateway.testing.GatewayProcess;
import ai.sxwl.gateway.testing.SxwlSimulator;
import ai.sxwl.gateway.testing.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9 (b): two replicas of the production jar on one database and one broker, no proxy in front, load through
 * both — callbacks on the shared and the tokened route, submits whose callbacks never come, a subscription — and one
 * replica killed with -9 while dozens of callbacks are open at it, then started again. Trust-untokened is on, so that
 * a callback for a job upstream never heard of is the only source of its event: one lost after its 200 would show.
 */
class ReplicasIT {

    /** Acknowledged requests before the kill, and again after it (b alone); ten times as many with FULL. */
    private static final int PER_PHASE = ProductionStack.FULL ? 400 : 40;
    /** Callbacks open at the killed replica when kill -9 runs (a burst of that many senders and more). */
    private static final int OPEN_AT_KILL = 32;

    @Test
    void twoReplicasLoseNothingAndNeverDoubleWorkWhenOneIsKilledUnderLoad() throws Exception {
        ProductionStack stack = ProductionStack.get();
        // Polls that take a while, so that two replicas polling one job at once would overlap visibly.
        StubMapping slowPolls = SxwlSimulator.server().stubFor(post(urlEqualTo("/api/userJob/job_status"))
                .atPriority(4).willReturn(aResponse().withTransformers("sxwl").withFixedDelay(100)));
        // A server that notices a vanished client within 20 ms even mid-statement: the killed replica's commit
        // then rolls back instead of completing on its own (sessions take it when the replicas connect).
        sql("ALTER DATABASE " + ProductionStack.DATABASE + " SET client_connection_check_interval = '20ms'");
        try (GatewayProcess a = trusting(stack.replica()); GatewayProcess b = trusting(stack.replica())) {
            GatewayProcess.startAll(a, b);
            assertEquals(201, a.postForResponse("/api/subscriptions",
                    "{\"url\":\"" + stack.receiverUrl() + "\"}", ProductionStack.API_KEY).statusCode());

            Load traffic = new Load(List.of(a, b), 4, Load.Kind.values());
            traffic.awaitAcknowledged(PER_PHASE);
            // A burst on a: dozens of its callbacks answered just before it dies and dozens open when it does. Each
            // that got its 200 must survive.
            // Each commit of callbacks takes a second during the burst, so the kill finds a's writers in their commits:
            // a 200 given before its commit (not after) would be lost there, and show.
            slowCallbackCommits(true);
            Load burst = Load.burst(a, OPEN_AT_KILL + 16, Load.Kind.TRUSTED_CALLBACK);
            burst.awaitAcknowledged(PER_PHASE);
            burst.awaitOpen(OPEN_AT_KILL);
            int openAtKill = burst.open();
            long killed = System.nanoTime();
            a.kill(); // its claims, leases and unpublished rows are left behind; b must carry on alone
            burst.close();
            slowCallbackCommits(false);
            traffic.awaitAcknowledged(PER_PHASE);
            traffic.close();
            a.start(); // and it comes back on the same database and broker

            List<Load.Sent> acknowledged = new ArrayList<>(traffic.acknowledged());
            acknowledged.addAll(burst.acknowledged());
            System.out.printf("Two replicas, one killed -9 with %d callbacks open at it (%d of its burst acknowledged"
                            + " before): %d requests, %d acknowledged, %d without an answer%n", openAtKill,
                    burst.acknowledged().size(), traffic.sent.size() + burst.sent.size(), acknowledged.size(),
                    Stream.concat(traffic.sent.stream(), burst.sent.stream())
                            .filter(s -> s.failure() != null).count());
            assertTrue(openAtKill >= OPEN_AT_KILL, "callbacks open at the kill: " + openAtKill);
            stack.assertEveryOutcomePublished(acknowledged);
            // A trusted callback's event can come from nothing but that callback (upstream never heard of the job).
            for (Load.Sent callback : acknowledged) {
                if (callback.kind() == Load.Kind.TRUSTED_CALLBACK) {
                    assertEquals(List.of("callback"), stack.eventsOf(callback.jobId()).stream()
                            .map(e -> e.path("data").path("detectedBy").asText()).distinct().toList(),
                            "how " + callback.jobId() + " was detected");
                }
            }

            Set<String> jobIds = acknowledged.stream().map(Load.Sent::jobId).collect(Collectors.toSet());
            // Jobs that the killed process never saw: their first request came after the kill. No crash stands
            // between any of their sends and its mark, so each change is on the topic exactly once.
            Set<String> untouched = acknowledged.stream().filter(s -> s.startedNanos() > killed)
                    .map(Load.Sent::jobId).collect(Collectors.toSet());
            Set<String> eventIds = new HashSet<>();
            jobIds.forEach(job -> stack.eventsOf(job).forEach(e -> eventIds.add(e.path("id").asText())));
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                Set<String> delivered = stack.receiver.getAllServeEvents().stream()
                        .map(e -> ProductionStack.parse(e.getRequest().getBodyAsString()).path("id").asText())
                        .collect(Collectors.toSet());
                Set<String> undelivered = new HashSet<>(eventIds);
                undelivered.removeAll(delivered);
                assertEquals(Set.of(), undelivered, "events not delivered to the subscription");
            });

            // The events feed is one and the same through either replica: every change, each job's in order.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                List<String> throughA = feed(a);
                assertEquals(throughA, feed(b), "the feed through a and through b");
                assertTrue(throughA.containsAll(eventIds), "every published change is in the feed");
                for (String job : jobIds) {
                    List<String> ofJob = throughA.stream().filter(id -> id.startsWith(job + ":")).toList();
                    List<String> onTopic = stack.eventsOf(job).stream().map(e -> e.path("id").asText()).toList();
                    // A record re-sent after the crash repeats its predecessor on the topic; only there.
                    List<String> once = untouched.contains(job) ? onTopic : onTopic.stream().distinct().toList();
                    assertEquals(once, ofJob, "job " + job + ": the feed's order is the topic's");
                }
            });
            System.out.printf("  %d jobs began after the kill, each change of theirs on the topic once%n",
                    untouched.size());
            assertTrue(untouched.size() >= PER_PHASE / 2, "jobs after the kill: " + untouched.size());

            List<ServeEvent> polls = SxwlSimulator.server().getAllServeEvents().stream()
                    .filter(e -> e.getRequest().getUrl().equals("/api/userJob/job_status")).toList();
            assertNoOverlap(polls, e -> ProductionStack.parse(e.getRequest().getBodyAsString()).path("job_id")
                    .asText(), jobIds, "job polled by two replicas at once");
            assertNoOverlap(stack.receiver.getAllServeEvents(), e -> e.getRequest().getHeader("webhook-id"), null,
                    "delivery attempted twice at once");
        } finally {
            SxwlSimulator.server().removeStub(slowPolls);
        }
    }

    /** A deferred trigger that sleeps a second once in every commit that stores callback receipts; or none. */
    private static void slowCallbackCommits(boolean slow) {
        sql(slow ? """
                CREATE OR REPLACE FUNCTION test_slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF current_setting('test.slept', true) IS DISTINCT FROM 'y' THEN
                        PERFORM set_config('test.slept', 'y', true);
                        PERFORM pg_sleep(1);
                    END IF;
                    RETURN NULL;
                END $$;
                CREATE CONSTRAINT TRIGGER test_slow_commit AFTER INSERT ON callback_receipt
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_slow_commit();
                """ : "DROP TRIGGER test_slow_commit ON callback_receipt");
    }

    private static void sql(String sql) {
        try (Connection db = DriverManager.getConnection(TestDatabase.jdbcUrl(ProductionStack.DATABASE),
                TestDatabase.USER, TestDatabase.PASSWORD); Statement statement = db.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** Callbacks on the shared route are applied as they come (the embedded default's setting). */
    private static GatewayProcess trusting(GatewayProcess replica) {
        replica.environment.put("GATEWAY_CALLBACK_TRUST_UNTOKENED", "true");
        return replica;
    }

    /** The tenant's whole events feed through one replica, page by page: the event ids in feed order. */
    private static List<String> feed(GatewayProcess replica) throws Exception {
        List<String> ids = new ArrayList<>();
        String cursor = ""; // no cursor: from the oldest
        while (true) {
            JsonNode page = ProductionStack.parse(replica.getBody("/api/events?limit=500&after=" + cursor,
                    ProductionStack.API_KEY));
            page.path("items").forEach(event -> ids.add(event.path("id").asText()));
            cursor = page.path("nextCursor").asText();
            if (page.path("items").isEmpty()) {
                return ids;
            }
        }
    }

    /** No two requests about the same key were being served at the same time. */
    private static void assertNoOverlap(List<ServeEvent> events, Function<ServeEvent, String> key, Set<String> only,
                                        String what) {
        Map<String, List<ServeEvent>> byKey = events.stream().filter(e -> e.getTiming() != null)
                .collect(Collectors.groupingBy(key));
        List<String> overlapping = new ArrayList<>();
        byKey.forEach((k, requests) -> {
            if (only != null && !only.contains(k)) {
                return;
            }
            List<ServeEvent> sorted = requests.stream()
                    .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate())).toList();
            for (int i = 1; i < sorted.size(); i++) {
                ServeEvent previous = sorted.get(i - 1);
                // No total time: the caller went away before the answer (the killed replica's last request).
                Integer total = previous.getTiming().getTotalTime();
                Integer served = previous.getTiming().getServeTime();
                long previousEnd = previous.getRequest().getLoggedDate().getTime()
                        + (total != null ? total : served != null ? served : 0);
                if (sorted.get(i).getRequest().getLoggedDate().getTime() < previousEnd) {
                    overlapping.add(k);
                }
            }
        });
        assertEquals(List.of(), overlapping, what);
    }
}
