package ai.sxwl.gateway.callback;

import ai.sxwl.gateway.testing.Db;
import ai.sxwl.gateway.testing.EventsTopic;
import ai.sxwl.gateway.testing.TestKafka;
import ai.sxwl.gateway.testing.SxwlSimulator;
import ai.sxwl.gateway.testing.TestJobs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.sessions.JqwikSession;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static ai.sxwl.gateway.testing.Callbacks.body;
import static ai.sxwl.gateway.testing.Callbacks.onToken;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A property, checked on generated histories: whatever sequence of reports (repeats, conflicts, reports after the
 * end, a model URL coming late) a job's callbacks bring, terminal states are final, each change is published once,
 * and the job's sequence numbers run 1, 2, 3 ... without a gap. The expected events come from a small model of the
 * state machine; the histories come from a jqwik generator, and a failure names the seed that replays them.
 */
@QuarkusTest
class ReportSequencePropertiesTest {

    private static final EventsTopic EVENTS = TestKafka.topic("sxwl.job.events");
    private static final int JOBS = 30;
    /** A job's reports: one to eight, repeats and conflicts included. */
    private static final Arbitrary<List<String>> HISTORY = Arbitraries.of("working", "success", "success+url", "fail")
            .list().ofMinSize(1).ofMaxSize(8);

    @Inject
    CallbackTokens tokens;

    @Inject
    ObjectMapper mapper;

    @Inject
    Db db;

    @Test
    void anySequenceOfReportsGivesOneEventPerChangeGaplessAndTerminalIsFinal() throws Exception {
        // Drawn by jqwik in a session of its own, replayable with -Dproperties.seed=<the seed a failure names>. (A
        // @Property cannot run inside the running application, so there is no shrinking here; each failure names its
        // job's short history.)
        String seed = System.getProperty("properties.seed", Long.toString(new SecureRandom().nextLong()));
        List<String> jobIds = SxwlSimulator.openJobs(JOBS); // known upstream as working, so polls change nothing
        List<List<String>> histories = new ArrayList<>();
        JqwikSession.run(seed, () -> histories.addAll(HISTORY.list().ofSize(JOBS).sample()));

        ExecutorService senders = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < jobIds.size(); i++) {
                String jobId = jobIds.get(i);
                List<String> history = histories.get(i);
                String token = tokens.mint(TestJobs.submission("acme", jobId));
                sent.add(senders.submit(() -> history.forEach(report -> onToken(token, callback(jobId, report))
                        .statusCode(200))));
            }
            for (Future<?> done : sent) {
                done.get();
            }
        } finally {
            senders.shutdown();
        }

        for (int i = 0; i < jobIds.size(); i++) {
            String jobId = jobIds.get(i);
            List<String> expected = expectedEvents(histories.get(i));
            String context = "seed " + seed + ", reports " + histories.get(i);
            await().atMost(Duration.ofSeconds(20)).until(() -> EVENTS.records(jobId).size() >= expected.size());
            List<JsonNode> events = new ArrayList<>();
            for (var record : EVENTS.records(jobId)) {
                events.add(mapper.readTree(record.value()));
            }
            assertEquals(expected, events.stream().map(e -> e.get("type").asText().substring("ai.sxwl.job.".length()))
                    .toList(), context);
            for (int seq = 1; seq <= events.size(); seq++) {
                assertEquals(String.format("%020d", seq), events.get(seq - 1).get("sequence").asText(), context);
            }
            assertEquals(expected.size(), db.count("SELECT count(*) FROM job_event WHERE job_id = ?", jobId), context);
        }
    }

    /** The state machine, as a model: what a job publishes for these reports, in order. */
    private static List<String> expectedEvents(List<String> reports) {
        List<String> events = new ArrayList<>();
        String state = null;
        boolean hasUrl = false;
        for (String report : reports) {
            boolean terminal = "succeeded".equals(state) || "failed".equals(state);
            switch (report) {
                case "working" -> {
                    if (state == null) {
                        state = "running";
                        events.add(state);
                    }
                }
                case "success", "success+url" -> {
                    boolean url = report.endsWith("+url");
                    if (!terminal) {
                        state = "succeeded";
                        hasUrl = url;
                        events.add(state);
                    } else if ("succeeded".equals(state) && url && !hasUrl) {
                        hasUrl = true;
                        events.add("model_available");
                    }
                }
                case "fail" -> {
                    if (!terminal) {
                        state = "failed";
                        events.add(state);
                    }
                }
                default -> throw new IllegalArgumentException(report);
            }
        }
        return events;
    }

    private static String callback(String jobId, String report) {
        return report.equals("success+url")
                ? body(jobId, "success", TestJobs.signedModelUrl(jobId, 2_000_000_000L))
                : body(jobId, report, "");
    }
}
