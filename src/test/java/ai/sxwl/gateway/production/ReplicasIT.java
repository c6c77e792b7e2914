package ai.sxwl.gateway.production;

import ai.sxwl.gateway.testing.GatewayProcess;
import ai.sxwl.gateway.testing.SxwlSimulator;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9 (b): two replicas of the production jar on one database and one broker, no proxy in front, load through
 * both — callbacks on the shared and the tokened route, submits whose callbacks never come, a subscription — and one
 * replica killed with -9 in the middle and started again.
 */
class ReplicasIT {

    @Test
    void twoReplicasLoseNothingAndNeverDoubleWorkWhenOneIsKilledUnderLoad() throws Exception {
        ProductionStack stack = ProductionStack.get();
        Duration load = ProductionStack.FULL ? Duration.ofSeconds(60) : Duration.ofSeconds(8);
        // Polls that take a while, so that two replicas polling one job at once would overlap visibly.
        StubMapping slowPolls = SxwlSimulator.server().stubFor(post(urlEqualTo("/api/userJob/job_status"))
                .atPriority(4).willReturn(aResponse().withTransformers("sxwl").withFixedDelay(100)));
        try (GatewayProcess a = stack.replica(); GatewayProcess b = stack.replica()) {
            GatewayProcess.startAll(a, b);
            assertEquals(201, a.postForResponse("/api/subscriptions",
                    "{\"url\":\"" + stack.receiverUrl() + "\"}", ProductionStack.API_KEY).statusCode());

            Load traffic = new Load(List.of(a, b), 4, Load.Kind.values());
            Thread.sleep(load.toMillis() / 2);
            a.kill(); // its claims, leases and unpublished rows are left behind; b must carry on alone
            Thread.sleep(load.toMillis() / 2);
            traffic.close();
            a.start(); // and it comes back on the same database and broker

            List<Load.Sent> acknowledged = traffic.acknowledged();
            System.out.printf("Two replicas, one killed -9 halfway through %d s of load: %d requests, %d acknowledged,"
                            + " %d without an answer%n", load.toSeconds(), traffic.sent.size(), acknowledged.size(),
                    traffic.sent.stream().filter(s -> s.failure() != null).count());
            stack.assertEveryOutcomePublished(acknowledged);

            Set<String> jobIds = acknowledged.stream().map(Load.Sent::jobId).collect(Collectors.toSet());
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
                    List<String> onTopic = stack.eventsOf(job).stream().map(e -> e.path("id").asText()).distinct()
                            .toList();
                    assertEquals(onTopic, ofJob, "job " + job + ": the feed's order is the topic's");
                }
            });

            List<ServeEvent> polls = SxwlSimulator.server().getAllServeEvents().stream()
                    .filter(e -> e.getRequest().getUrl().equals("/api/userJob/job_status")).toList();
            assertNoOverlap(polls, e -> ProductionStack.parse(e.getRequest().getBodyAsString()).path("job_id")
                    .asText(), jobIds, "job polled by two replicas at once");
            assertNoOverlap(stack.receiver.getAllServeEvents(), e -> e.getRequest().getHeader("webhook-id"), null,
                    "delivery attempted twice at once");
            assertTrue(acknowledged.size() > 50, "the load did work: " + acknowledged.size());
        } finally {
            SxwlSimulator.server().removeStub(slowPolls);
        }
    }

    /** The tenant's whole events feed through one replica, page by page: the event ids in feed order. */
    private static List<String> feed(GatewayProcess replica) throws Exception {
        List<String> ids = new ArrayList<>();
        String cursor = "0";
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
