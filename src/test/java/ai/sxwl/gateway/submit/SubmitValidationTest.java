package ai.sxwl.gateway.submit;

import ai.sxwl.gateway.testing.SxwlSimulator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static ai.sxwl.gateway.testing.Api.as;
import static ai.sxwl.gateway.testing.Api.spec;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Authentication and every job spec rule: the precise 4xx, and nothing reaches upstream. */
@QuarkusTest
class SubmitValidationTest {

    @Inject
    ObjectMapper mapper;

    @Test
    void withoutAValidApiKeyEveryApiPathIs401() {
        for (String path : new String[]{"/api/userJob", "/api/userJob/job_status", "/api/userJob/job_del"}) {
            given().contentType("application/json").body(spec("x")).post(path).then().statusCode(401)
                    .contentType("application/problem+json").header("WWW-Authenticate", "Bearer");
            given().header("Authorization", "Bearer wrong-key").contentType("application/json").body(spec("x"))
                    .post(path).then().statusCode(401);
            given().header("Authorization", "Basic YWNtZTphY21l").contentType("application/json").body(spec("x"))
                    .post(path).then().statusCode(401);
        }
        given().get("/api/jobs").then().statusCode(401).contentType("application/problem+json");
        given().header("Authorization", "Bearer ").get("/api/jobs/ai1").then().statusCode(401);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
            "gpuNumber|",
            "gpuNumber|0",
            "gpuNumber|\"abc\"",
            "gpuNumber|1.5",
            "gpuNumber|-1",
            "gpuType|",
            "gpuType|7",
            "gpuType|\"\"",
            "ckptPath|",
            "ckptPath|\"data\"",
            "ckptVol|",
            "ckptVol|\"10GB\"",
            "modelPath|",
            "modelPath|\"relative/dir\"",
            "modelVol|",
            "modelVol|0",
            "imagePath|",
            "jobType|",
            "jobType|[]",
            // upstream accepts only MPI, Pytorch, TensorFlow, GeneralJob, spelled so
            "jobType|\"PyTorch\"",
            "jobType|\"generaljob\"",
            "jobType|\"GeneralJob \"",
            "stopType|",
            "stopType|2",
            "stopType|\"x\"",
            "stopTime|",
            "stopTime|0",
            "stopTime|\"-5\"",
            "callbackUrl|\"ftp://example.com/cb\"",
            "callbackUrl|\"/relative\"",
            "callbackUrl|42",
            // the caller's callbackUrl becomes a webhook target: the same SSRF rules (private allowed in tests)
            "callbackUrl|\"http://u:p@169.254.169.254/x\"",
            "callbackUrl|\"http://169.254.170.2/v2/credentials\"",
            "callbackUrl|\"http://100.100.100.200/latest/meta-data\"",
            "callbackUrl|\"http://[fd00:ec2::254]/\"",
            "callbackUrl|\"http://[::ffff:169.254.169.254]/\"",
            "callbackUrl|\"http://[::ffff:0:a9fe:a9fe]/\"",
            "callbackUrl|\"http://[64:ff9b:1::a9fe:a9fe]/\"",
            "callbackUrl|\"http://[2001:0:4136:e378:8000:63bf:5601:5601]/\"",
            "callbackUrl|\"https://llm.nascentcore.cn:99999/api/test/callback\"",
            "env|\"A=B\"",
            "env|{\"A\": 1}",
            "datasetPath|\"not/absolute\"",
            "runCommand|{}",
    })
    void aSpecThatBreaksARuleIs422NamingTheField(String field, String value) throws Exception {
        ObjectNode spec = (ObjectNode) mapper.readTree(spec("x"));
        if (value == null) {
            spec.remove(field);
        } else {
            spec.set(field, mapper.readTree(value));
        }
        int before = SxwlSimulator.requestCount("/api/userJob");

        as("acme").body(spec.toString()).post("/api/userJob").then().statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", hasItem(field.equals("env") && value.startsWith("{") ? "env.A" : field));

        assertEquals(before, SxwlSimulator.requestCount("/api/userJob"), "nothing was sent upstream");
    }

    @ParameterizedTest
    @ValueSource(strings = {"MPI", "Pytorch", "TensorFlow", "GeneralJob"})
    void eachOfUpstreamsJobTypesIsAccepted(String jobType) throws Exception {
        ObjectNode spec = (ObjectNode) mapper.readTree(spec("x"));
        spec.put("jobType", jobType);
        as("acme").body(spec.toString()).post("/api/userJob").then().statusCode(200);
    }

    @Test
    void aWrongJobTypeIsNamedWithTheFourUpstreamAccepts() throws Exception {
        ObjectNode spec = (ObjectNode) mapper.readTree(spec("x"));
        spec.put("jobType", "Pytroch");
        as("acme").body(spec.toString()).post("/api/userJob").then().statusCode(422)
                .body("errors.find { it.field == 'jobType' }.message",
                        allOf(containsString("MPI"), containsString("Pytorch"), containsString("TensorFlow"),
                                containsString("GeneralJob")));
    }

    @Test
    void stopTimeIsOptionalForJobsThatRunToTheirEnd() throws Exception {
        ObjectNode spec = (ObjectNode) mapper.readTree(spec("x"));
        spec.put("stopType", 0);
        spec.remove("stopTime");
        as("acme").body(spec.toString()).post("/api/userJob").then().statusCode(200);
    }

    @Test
    void everyViolationIsListed() {
        as("acme").body("{}").post("/api/userJob").then().statusCode(422)
                .body("errors.field", containsInAnyOrder("gpuNumber", "gpuType", "ckptPath", "ckptVol", "modelPath",
                        "modelVol", "imagePath", "jobType", "stopType"));
    }

    @Test
    void aBodyThatIsNotAJsonObjectIs400() {
        as("acme").body("[1]").post("/api/userJob").then().statusCode(400).contentType("application/problem+json");
        as("acme").body("{oops").post("/api/userJob").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void aMalformedIdempotencyKeyIs422() {
        as("acme").header("Idempotency-Key", "x".repeat(256)).body(spec("x")).post("/api/userJob").then()
                .statusCode(422).body("errors[0].field", equalTo("Idempotency-Key"));
    }

    @Test
    void jobStatusNeedsAJobId() {
        as("acme").body("{}").post("/api/userJob/job_status").then().statusCode(422)
                .body("errors[0].field", equalTo("job_id"));
    }
}
