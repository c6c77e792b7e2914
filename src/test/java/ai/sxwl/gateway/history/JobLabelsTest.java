package ai.sxwl.gateway.history;

import ai.sxwl.gateway.testing.WebhookReceiver;
import ai.sxwl.gateway.testing.EventsTopic;
import ai.sxwl.gateway.testing.JobEventSchema;
import ai.sxwl.gateway.testing.SxwlSimulator;
import ai.sxwl.gateway.testing.TestKafka;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static ai.sxwl.gateway.testing.Api.as;
import static ai.sxwl.gateway.testing.Api.spec;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Labels: given at submit (header and body), kept with the job, changed by PATCH, searched by {@code label=k=v}, and
 * carried in every event — on Kafka, to webhooks and in the feed — while upstream never sees them.
 */
@QuarkusTest
class JobLabelsTest {

    private static final EventsTopic EVENTS = TestKafka.topic("sxwl.job.events");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final WireMockServer RECEIVER = WebhookReceiver.started();

    @Test
    void labelsTravelFromTheSubmitToKafkaWebhooksAndTheFeedButNotUpstream() throws Exception {
        String path = "/labels/" + UUID.randomUUID();
        RECEIVER.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(204)));
        String subscription = as("acme").body(Map.of("url", "http://localhost:" + RECEIVER.port() + path))
                .post("/api/subscriptions").then().statusCode(201).extract().path("id");
        try {
            travel(path);
        } finally {
            as("acme").delete("/api/subscriptions/" + subscription).then().statusCode(204);
        }
    }

    private void travel(String path) throws Exception {
        String feedStart = feedTail("acme");
        ObjectNode body = (ObjectNode) JSON.readTree(spec("sim:success"));
        body.putObject("labels").put("mlflow.org/run", "3f9c2b7d41e0").put("dataset", "");

        String jobId = as("acme").header("Gateway-Labels", "experiment=exp-42, git.sha=5e1f0c9")
                .body(body.toString()).post("/api/userJob").then().statusCode(200).extract().path("job_id");

        Map<String, String> expected = Map.of("experiment", "exp-42", "git.sha", "5e1f0c9",
                "mlflow.org/run", "3f9c2b7d41e0", "dataset", "");
        assertFalse(JSON.readTree(SxwlSimulator.createRequestOf(jobId).getBodyAsString()).has("labels"),
                "upstream never sees the gateway's field");
        as("acme").get("/api/jobs/" + jobId).then().statusCode(200).body("labels", equalTo(expected))
                .body("submission.labels", org.hamcrest.Matchers.nullValue());

        await().atMost(Duration.ofSeconds(20)).until(() -> EVENTS.records(jobId).size() >= 2);
        for (ConsumerRecord<String, String> record : EVENTS.records(jobId)) {
            assertEquals(Optional.empty(), JobEventSchema.violation(record.value()), record.value());
            assertEquals(expected, labels(JSON.readTree(record.value())), record.value());
        }
        List<LoggedRequest> delivered = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            delivered.clear();
            RECEIVER.findAll(postRequestedFor(urlEqualTo(path))).stream()
                    .filter(r -> r.getBodyAsString().contains(jobId)).forEach(delivered::add);
            return delivered.size() >= 2;
        });
        for (LoggedRequest request : delivered) {
            assertEquals(expected, labels(JSON.readTree(request.getBodyAsString())));
        }
        List<JsonNode> fed = feed("acme", feedStart, jobId, 2);
        for (JsonNode event : fed) {
            assertEquals(expected, labels(event));
        }
    }

    @Test
    void labelsAreSearchableAndAPatchChangesWhatLaterEventsCarry() throws Exception {
        String experiment = "exp-" + UUID.randomUUID().toString().substring(0, 8);
        String jobId = as("acme").header("Gateway-Labels", "experiment=" + experiment + ",stage=train")
                .body(spec("keeps working")).post("/api/userJob").then().statusCode(200).extract().path("job_id");
        String other = as("acme").header("Gateway-Labels", "experiment=" + experiment + ",stage=eval")
                .body(spec("keeps working")).post("/api/userJob").then().statusCode(200).extract().path("job_id");

        as("acme").get("/api/jobs?label=experiment=" + experiment).then().statusCode(200)
                .body("items.jobId", containsInAnyOrder(other, jobId));
        as("acme").get("/api/jobs?label=experiment=" + experiment + "&label=stage=train").then().statusCode(200)
                .body("items.jobId", equalTo(List.of(jobId)));
        as("acme").get("/api/jobs?label=experiment=" + experiment + "&status=succeeded").then().statusCode(200)
                .body("items.jobId", equalTo(List.of()));
        as("globex").get("/api/jobs?label=experiment=" + experiment).then().statusCode(200)
                .body("items.jobId", equalTo(List.of()));

        as("globex").body(Map.of("stage", "eval")).patch("/api/jobs/" + jobId + "/labels").then().statusCode(404);
        as("acme").contentType("application/merge-patch+json").body("{\"stage\": null, \"owner\": \"team-a\"}")
                .patch("/api/jobs/" + jobId + "/labels").then().statusCode(200)
                .body("labels", equalTo(Map.of("experiment", experiment, "owner", "team-a")));
        as("acme").get("/api/jobs?label=stage=train").then().statusCode(200).body("items.jobId",
                org.hamcrest.Matchers.not(hasItem(jobId)));
        as("acme").get("/api/jobs?label=owner=team-a&label=experiment=" + experiment).then().statusCode(200)
                .body("items.jobId", equalTo(List.of(jobId)));

        // The next change carries the new labels; the first (submitted) keeps what it carried then.
        SxwlSimulator.finish(jobId, true);
        as("acme").body("{\"job_id\":\"" + jobId + "\"}").post("/api/userJob/job_status").then().statusCode(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> EVENTS.records(jobId).stream()
                .anyMatch(r -> r.value().contains("\"type\":\"ai.sxwl.job.succeeded\"")));
        List<ConsumerRecord<String, String>> records = EVENTS.records(jobId);
        assertEquals(Map.of("experiment", experiment, "stage", "train"), labels(JSON.readTree(records.get(0).value())));
        String succeeded = records.stream().map(ConsumerRecord::value)
                .filter(v -> v.contains("\"type\":\"ai.sxwl.job.succeeded\"")).findFirst().orElseThrow();
        assertEquals(Map.of("experiment", experiment, "owner", "team-a"), labels(JSON.readTree(succeeded)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "key with a space|bad key=x|-|Gateway-Labels.bad key",
            "not key=value|experiment|-|Gateway-Labels",
            "key given twice|a=1,a=2|-|Gateway-Labels",
            "value with a slash|-|{\"path\": \"a/b\"}|labels.path",
            "value of 64 characters|-|{\"k\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}|labels.k",
            "name of 64 characters|-|{\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\": \"v\"}|labels.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "upper-case prefix|-|{\"MLflow.org/run\": \"v\"}|labels.MLflow.org/run",
            "value not a string|-|{\"gpus\": 8}|labels.gpus",
            "labels not an object|-|[\"a=b\"]|labels",
            "header and body disagree|stage=train|{\"stage\": \"eval\"}|labels.stage",
    }, nullValues = "-")
    void aBrokenLabelIs422NamingItAndNothingGoesUpstream(String rule, String header, String labels, String field)
            throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree(spec("x " + rule));
        if (labels != null) {
            body.set("labels", JSON.readTree(labels));
        }
        int before = SxwlSimulator.requestCount("/api/userJob");
        var request = as("acme").body(body.toString());
        if (header != null) {
            request.header("Gateway-Labels", header);
        }
        request.post("/api/userJob").then().statusCode(422).contentType("application/problem+json")
                .body("errors.field", hasItem(field));
        assertEquals(before, SxwlSimulator.requestCount("/api/userJob"));
    }

    @Test
    void moreThan32LabelsAreRefusedAndABadQueryOrPatchChangesNothing() {
        StringBuilder header = new StringBuilder();
        for (int i = 0; i < 33; i++) {
            header.append(i == 0 ? "" : ",").append("k").append(i).append("=v");
        }
        as("acme").header("Gateway-Labels", header.toString()).body(spec("x 33")).post("/api/userJob").then()
                .statusCode(422).body("errors.field", hasItem("Gateway-Labels"));
        String jobId = as("acme").header("Gateway-Labels", "keep=me").body(spec("keeps working"))
                .post("/api/userJob").then().statusCode(200).extract().path("job_id");

        as("acme").contentType("application/merge-patch+json").body("{\"keep\": null, \"bad key\": \"x\"}")
                .patch("/api/jobs/" + jobId + "/labels").then()
                .statusCode(422).contentType("application/problem+json").body("errors.field", hasItem("labels.bad key"));
        as("acme").body("{\"n\": 1}").patch("/api/jobs/" + jobId + "/labels").then().statusCode(422);
        as("acme").body("[]").patch("/api/jobs/" + jobId + "/labels").then().statusCode(400);
        // A null removes a label in a merge patch only: a plain JSON body holds no nulls (JsonNulls).
        as("acme").body("{\"keep\": null}").patch("/api/jobs/" + jobId + "/labels").then().statusCode(422);
        as("acme").get("/api/jobs/" + jobId).then().body("labels", equalTo(Map.of("keep", "me")));
        as("acme").get("/api/jobs?label=keep").then().statusCode(400).contentType("application/problem+json");
        as("acme").get("/api/jobs?label=bad key=x").then().statusCode(400);
    }

    private static Map<String, String> labels(JsonNode event) {
        return JSON.convertValue(event.path("data").path("labels"), new com.fasterxml.jackson.core.type
                .TypeReference<Map<String, String>>() {
        });
    }

    /** The feed's cursor after everything it holds now for the tenant. */
    private static String feedTail(String tenant) throws Exception {
        String cursor = null; // from the oldest; then the opaque cursors the feed hands out
        while (true) {
            var request = as(tenant).queryParam("limit", 500);
            if (cursor != null) {
                request.queryParam("after", cursor);
            }
            JsonNode page = JSON.readTree(request.get("/api/events").then().statusCode(200).extract().asString());
            cursor = page.path("nextCursor").asText();
            if (page.path("items").isEmpty()) {
                return cursor;
            }
        }
    }

    /** Reads the feed on from {@code after} until {@code count} events of the job have come. */
    private static List<JsonNode> feed(String tenant, String after, String jobId, int count) {
        List<JsonNode> events = new ArrayList<>();
        String[] cursor = {after};
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            JsonNode page = JSON.readTree(as(tenant).queryParam("after", cursor[0]).queryParam("limit", 500)
                    .queryParam("wait", "1s").get("/api/events").then().statusCode(200).extract().asString());
            page.path("items").forEach(event -> {
                if (event.path("subject").asText().equals(jobId)) {
                    events.add(event);
                }
            });
            cursor[0] = page.path("nextCursor").asText();
            return events.size() >= count;
        });
        return events;
    }
}
