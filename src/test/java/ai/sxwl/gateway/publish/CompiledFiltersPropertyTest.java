package ai.sxwl.gateway.publish;

import ai.sxwl.gateway.eventfilter.EventFilters;
import ai.sxwl.gateway.history.DetectedBy;
import ai.sxwl.gateway.history.JobChanged;
import ai.sxwl.gateway.history.JobLabels;
import ai.sxwl.gateway.history.JobStatus;
import ai.sxwl.gateway.problem.Problem.FieldError;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The compiled filters (over {@link CloudEvents#filterView}, read from the change) decide every event as a direct
 * reading of the CloudEvents Subscriptions API's dialects over the CloudEvent JSON the gateway sends decides it: any
 * random change, any random filters.
 */
class CompiledFiltersPropertyTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final CloudEvents CLOUD_EVENTS = new CloudEvents(MAPPER);

    /** Names a filter may use, one unknown-to-every-event label among them. */
    private static final List<String> NAMES = List.of("type", "subject", "source", "id", "sequence", "time",
            "traceparent", "specversion", "status", "detectedBy", "labels.team", "labels.example.com/stage",
            "labels.never", "submission.gpuType", "submission.jobType", "submission.gpuNumber");
    /** Values that events hold, and parts of them, so that filters match often enough to tell. */
    private static final List<String> VALUES = List.of("ai.sxwl.job.", "ai.sxwl.job.succeeded", "succeeded", "failed",
            "ed", "job-1", "job", "1", "-2", "/sxwl-gateway", "/", "callback", "poll", "vision", "vis", "on", "train",
            "A100", "A", "H800", "00", "Pytorch", "MPI", "8", "16", "1.0", "00-", "0000000000000000000");

    @Property(tries = 2000)
    void aCompiledFilterDecidesAsTheDialectsReadOverTheCloudEventDo(@ForAll("changes") JobChanged change,
                                                                   @ForAll("filterArrays") ArrayNode filters)
            throws Exception {
        List<FieldError> errors = new ArrayList<>();
        EventFilters compiled = EventFilters.compile(filters, "/filters", errors);
        assertNotNull(compiled, filters + " " + errors);
        JsonNode event = MAPPER.readTree(CLOUD_EVENTS.toJson(change));
        boolean expected = true;
        for (JsonNode filter : filters) {
            expected &= direct(filter, event);
        }
        Statistics.collect(expected);
        assertEquals(expected, compiled.matches(CLOUD_EVENTS.filterView(change)), filters + " on " + event);
        Statistics.coverage(coverage -> {
            coverage.check(true).percentage(p -> p > 5);
            coverage.check(false).percentage(p -> p > 5);
        });
    }

    /** The spec's words (3.2.4.1.1) applied to the event's JSON, one node at a time. */
    private static boolean direct(JsonNode filter, JsonNode event) {
        Map.Entry<String, JsonNode> member = filter.fields().next();
        JsonNode argument = member.getValue();
        switch (member.getKey()) {
            case "all":
                for (JsonNode nested : argument) {
                    if (!direct(nested, event)) {
                        return false;
                    }
                }
                return true;
            case "any":
                for (JsonNode nested : argument) {
                    if (direct(nested, event)) {
                        return true;
                    }
                }
                return false;
            case "not":
                return !direct(argument, event);
            default:
                for (Iterator<Map.Entry<String, JsonNode>> it = argument.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> comparison = it.next();
                    Optional<String> actual = read(event, comparison.getKey());
                    String value = comparison.getValue().asText();
                    boolean holds = actual.isPresent() && switch (member.getKey()) {
                        case "exact" -> actual.get().equals(value);
                        case "prefix" -> actual.get().startsWith(value);
                        case "suffix" -> actual.get().endsWith(value);
                        default -> throw new AssertionError(member.getKey());
                    };
                    if (!holds) {
                        return false;
                    }
                }
                return true;
        }
    }

    /** An attribute of the envelope, or a path into data (labels.<key>: the key may hold dots and slashes). */
    private static Optional<String> read(JsonNode event, String name) {
        JsonNode node;
        if (!name.contains(".") && event.has(name) && !name.equals("data")) {
            node = event.get(name);
        } else {
            int dot = name.indexOf('.');
            JsonNode data = event.get("data");
            node = dot < 0 ? data.path(name) : data.path(name.substring(0, dot)).path(name.substring(dot + 1));
        }
        return node.isValueNode() && !node.isNull() ? Optional.of(node.asText()) : Optional.empty();
    }

    @Provide
    Arbitrary<JobChanged> changes() {
        Arbitrary<String> jobIds = Arbitraries.of("job-1", "job-12", "ai-job-2");
        Arbitrary<String> types = Arbitraries.of(CloudEvents.SHORT_TYPES.stream().sorted().toList());
        Arbitrary<JobStatus> statuses = Arbitraries.of(JobStatus.class);
        Arbitrary<DetectedBy> detectedBy = Arbitraries.of(DetectedBy.class);
        Arbitrary<Long> seqs = Arbitraries.longs().between(1, 120);
        Arbitrary<Instant> times = Arbitraries.longs().between(1_700_000_000L, 1_800_000_000L)
                .map(Instant::ofEpochSecond);
        Arbitrary<String> traces = Arbitraries.of("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .injectNull(0.5);
        Arbitrary<String> labels = Arbitraries.maps(Arbitraries.of("team", "example.com/stage", "owner"),
                Arbitraries.of("vision", "train", "", "on")).ofMaxSize(3)
                .map(map -> map.isEmpty() ? null : JobLabels.toJson(map));
        Arbitrary<String> submissions = Combinators.combine(Arbitraries.of("A100", "H800", "A800").injectNull(0.2),
                        Arbitraries.of("Pytorch", "MPI", "GeneralJob").injectNull(0.2),
                        Arbitraries.of(1, 8, 16).injectNull(0.2))
                .as(CompiledFiltersPropertyTest::submission).injectNull(0.3);
        return Combinators.combine(jobIds, types, statuses, detectedBy, seqs, times, traces,
                        Combinators.combine(labels, submissions).as(java.util.Arrays::asList))
                .as((jobId, type, status, by, seq, time, trace, labelsAndSubmission) -> new JobChanged(jobId,
                        "acme", seq, type, status, null, null, null, null, by, time,
                        labelsAndSubmission.get(1), labelsAndSubmission.get(0), trace));
    }

    private static String submission(String gpuType, String jobType, Integer gpuNumber) {
        ObjectNode spec = JSON.objectNode().put("jobName", "train-7");
        if (gpuType != null) {
            spec.put("gpuType", gpuType);
        }
        if (jobType != null) {
            spec.put("jobType", jobType);
        }
        if (gpuNumber != null) {
            spec.put("gpuNumber", gpuNumber);
        }
        return spec.toString();
    }

    @Provide
    Arbitrary<ArrayNode> filterArrays() {
        return filter(3).list().ofMinSize(1).ofMaxSize(3).map(list -> {
            ArrayNode array = JSON.arrayNode();
            list.forEach(array::add);
            return array;
        });
    }

    private Arbitrary<ObjectNode> filter(int depth) {
        Arbitrary<ObjectNode> comparison = Combinators.combine(Arbitraries.of("exact", "prefix", "suffix"),
                        Arbitraries.maps(Arbitraries.of(NAMES), Arbitraries.of(VALUES)).ofMinSize(1).ofMaxSize(2))
                .as((dialect, pairs) -> {
                    ObjectNode members = JSON.objectNode();
                    pairs.forEach(members::put);
                    return JSON.objectNode().set(dialect, members);
                });
        if (depth == 0) {
            return comparison;
        }
        Arbitrary<ObjectNode> nested = filter(depth - 1);
        Arbitrary<ObjectNode> group = Combinators.combine(Arbitraries.of("all", "any"),
                        nested.list().ofMinSize(1).ofMaxSize(3))
                .as((dialect, list) -> {
                    ArrayNode array = JSON.arrayNode();
                    list.forEach(array::add);
                    return JSON.objectNode().set(dialect, array);
                });
        Arbitrary<ObjectNode> not = nested.map(inner -> JSON.objectNode().set("not", inner));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, comparison), net.jqwik.api.Tuple.of(2, group),
                net.jqwik.api.Tuple.of(1, not));
    }
}
