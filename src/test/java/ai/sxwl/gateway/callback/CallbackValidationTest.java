package ai.sxwl.gateway.callback;

import ai.sxwl.gateway.testing.Db;
import ai.sxwl.gateway.testing.TestJobs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static ai.sxwl.gateway.testing.Callbacks.onToken;
import static ai.sxwl.gateway.testing.Callbacks.untokened;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every rule of SPEC section 3: the precise 4xx, a problem+json body, and nothing stored. */
@QuarkusTest
class CallbackValidationTest {

    private static final String PROBLEM = "application/problem+json";

    @Inject
    CallbackTokens tokens;

    @Inject
    Db db;

    @Test
    void aBodyOver64KiBIs413() {
        String jobId = TestJobs.newJobId();
        String body = "{\"jobId\":\"" + jobId + "\",\"status\":\"fail\",\"pad\":\"" + "x".repeat(64 * 1024) + "\"}";
        untokened(body).statusCode(413).contentType(PROBLEM).body("status", equalTo(413));
        assertNothingStoredFor(jobId);
    }

    @Test
    void aBodyOverTheServersLimitIs413ProblemToo() {
        untokened("{\"pad\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}").statusCode(413)
                .contentType(PROBLEM).body("status", equalTo(413));
    }

    @Test
    void aBodyOfExactly64KiBIsAccepted() {
        String jobId = TestJobs.newJobId();
        String head = "{\"jobId\":\"" + jobId + "\",\"status\":\"fail\",\"pad\":\"";
        String body = head + "x".repeat(64 * 1024 - head.length() - 2) + "\"}";
        assertEquals(64 * 1024, body.length());
        untokened(body).statusCode(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{oops", "[1,2]", "\"success\"", "42", "null", "{\"status\":\"fail\"} trailing"})
    void aBodyThatIsNotAJsonObjectIs400(String body) {
        untokened(body).statusCode(400).contentType(PROBLEM).body("status", equalTo(400))
                .body("title", equalTo("Bad Request"));
    }

    @Test
    void aNonJsonContentTypeIsReadAsJsonAnyway() {
        given().contentType(ContentType.TEXT).body("{oops").post("/callbacks/sxwl").then().statusCode(400);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"status\":\"fail\"}",
            "{\"job_id\":\"\",\"status\":\"fail\"}",
            "{\"job_id\":null,\"status\":\"fail\"}",
            "{\"job_id\":123,\"status\":\"fail\"}",
            "{\"job_id\":\"a b\",\"status\":\"fail\"}",
            "{\"job_id\":\"ai/../etc\",\"status\":\"fail\"}",
            "{\"job_id\":\"ai\\u00e9\",\"status\":\"fail\"}",
            "{\"job_id\":\"ai1\",\"jobId\":\"ai2\",\"status\":\"fail\"}",
    })
    void aMissingOrMalformedJobIdOnTheUntokenedRouteIs422(String body) {
        untokened(body).statusCode(422).contentType(PROBLEM).body("errors.field", hasItem(startsWith("job")));
    }

    @Test
    void aJobIdOf129CharactersIs422AndOf128IsAccepted() {
        untokened("{\"job_id\":\"" + "a".repeat(129) + "\",\"status\":\"fail\"}").statusCode(422);
        untokened("{\"job_id\":\"" + "b".repeat(127) + "Z" + "\",\"status\":\"fail\"}").statusCode(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\"status\":null,", "\"status\":\"done\",", "\"status\":\"SUCCESS\",",
            "\"status\":1,"})
    void aStatusOutsideSuccessFailWorkingIs422(String statusField) {
        String jobId = TestJobs.newJobId();
        untokened("{" + statusField + "\"jobId\":\"" + jobId + "\"}").statusCode(422).contentType(PROBLEM)
                .body("errors.field", hasItem("status"));
        assertNothingStoredFor(jobId);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"ftp://host/model\"", "\"not a url\"", "\"/relative/path\"", "\"https://\"", "42",
            "{}", "\"javascript:alert(1)\""})
    void aUrlThatIsNotAbsoluteHttpIs422(String url) {
        String jobId = TestJobs.newJobId();
        untokened("{\"jobId\":\"" + jobId + "\",\"status\":\"success\",\"url\":" + url + "}").statusCode(422)
                .contentType(PROBLEM).body("errors.field", hasItem("url"));
        assertNothingStoredFor(jobId);
    }

    @Test
    void aUrlOver4096CharactersIs422() {
        String prefix = "https://h.example/";
        untokened("{\"jobId\":\"ai1\",\"status\":\"success\",\"url\":\"" + prefix + "x".repeat(4097 - prefix.length())
                + "\"}").statusCode(422).body("errors.field", hasItem("url"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ",\"url\":null", ",\"url\":\"\"", ",\"url\":\"http://h.example/m?Expires=1\""})
    void anAbsentNullEmptyOrHttpUrlIsAccepted(String urlField) {
        untokened("{\"jobId\":\"" + TestJobs.newJobId() + "\",\"status\":\"success\"" + urlField + "}")
                .statusCode(200);
    }

    @Test
    void everyViolationIsListedAtOnce() {
        untokened("{\"job_id\":7,\"status\":\"done\",\"url\":\"ftp://x\"}").statusCode(422).contentType(PROBLEM)
                .body("errors.field", containsInAnyOrder("job_id", "status", "url"));
    }

    @Test
    void theTokenRouteAllowsAnEmptyIdButNotABadOne() {
        String token = tokens.mint(TestJobs.submission("acme", TestJobs.newJobId()));
        onToken(token, "{\"status\":\"working\"}").statusCode(200);
        onToken(token, "{\"jobId\":\"a b\",\"status\":\"fail\"}").statusCode(422);
    }

    @Test
    void aCallbackNamingAnotherJobThanItsSubmissionIs422() {
        String jobId = TestJobs.newJobId();
        String other = TestJobs.newJobId();
        String token = tokens.mint(TestJobs.submission("acme", jobId));
        onToken(token, "{\"jobId\":\"" + other + "\",\"status\":\"fail\"}").statusCode(422).contentType(PROBLEM)
                .body("errors.field", hasItem("jobId"));
        assertNothingStoredFor(jobId);
        assertNothingStoredFor(other);
    }

    @Test
    void anUnknownOrForgedTokenIs404AndStoresNothing() {
        String jobId = TestJobs.newJobId();
        String body = "{\"jobId\":\"" + jobId + "\",\"status\":\"success\"}";
        String genuine = tokens.mint(TestJobs.submission("acme", jobId));
        String forged = genuine.substring(0, genuine.length() - 2) + (genuine.endsWith("AA") ? "BB" : "AA");

        onToken(forged, body).statusCode(404).contentType(PROBLEM).body("status", equalTo(404));
        onToken("not-a-token", body).statusCode(404).contentType(PROBLEM);
        onToken(tokens.mint("nosuchsubmission"), body).statusCode(404).contentType(PROBLEM);
        assertNothingStoredFor(jobId);
    }

    @Test
    void unknownPathsAndMethodsAnswerProblemsToo() {
        given().get("/callbacks/sxwl").then().statusCode(405).contentType(PROBLEM);
        given().post("/no/such/path").then().statusCode(404).contentType(PROBLEM);
    }

    private void assertNothingStoredFor(String jobId) {
        assertEquals(0, db.count("SELECT count(*) FROM callback_receipt WHERE job_id = ?", jobId));
        assertEquals(0, db.count("SELECT count(*) FROM job WHERE job_id = ?", jobId));
    }
}
