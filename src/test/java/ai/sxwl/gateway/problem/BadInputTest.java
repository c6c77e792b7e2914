package ai.sxwl.gateway.problem;

import ai.sxwl.gateway.testing.Api;
import ai.sxwl.gateway.testing.SxwlSimulator;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static ai.sxwl.gateway.testing.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** SPEC section 5: bad input of any kind gets a precise 4xx problem, never a 5xx, and changes nothing. */
@QuarkusTest
class BadInputTest {

    @ParameterizedTest(name = "{1} {2} {3} -> {0}")
    @CsvSource(delimiter = '|', value = {
            "400|POST|/api/subscriptions|{\"url\": [1, 2]}",
            "400|POST|/api/subscriptions|{\"url\": \"https://h.example/\", \"eventTypes\": \"succeeded\"}",
            "400|POST|/api/subscriptions|{\"url\": \"https://h.example/\", \"enabled\": \"maybe\"}",
            "400|POST|/api/subscriptions|[]",
            "400|POST|/api/subscriptions|{oops",
            "400|POST|/api/subscriptions/sub_nope/replay|{\"since\": \"yesterday\"}",
            "404|POST|/api/subscriptions/sub_nope/rotate-secret|",
            "404|PATCH|/api/subscriptions/sub_nope|{\"enabled\": true}",
            "422|POST|/api/subscriptions|{\"url\": \"https://h.example/\", \"eventTypes\": [null]}",
            "422|PATCH|/api/subscriptions/sub_nope|{\"eventTypes\": [\"succeeded\", null]}",
            "422|POST|/api/userJob|{\"env\": {\"A\": null}}",
            "422|POST|/api/userJob/job_del|{\"job_id\": null}",
            "400|POST|/api/userJob|[1]",
            "400|POST|/api/userJob|\"spec\"",
            "400|POST|/api/userJob/job_status|[]",
            "400|POST|/api/userJob/job_status|{\"job_id\": 7}", // asked upstream, which answers 400 for an unknown id
            "400|POST|/api/userJob/job_del|{oops",
            "400|GET|/api/jobs?since=soon|",
            "400|GET|/api/jobs?cursor=%%%|",
            "404|GET|/api/jobs?limit=abc|",
            "404|GET|/api/jobs/nope/model-url|",
            "400|GET|/api/deliveries?state=lost|",
            "400|GET|/api/deliveries?cursor=abc|",
            "404|GET|/api/deliveries/abc|",
            "404|POST|/api/deliveries/999999999/redeliver|",
            "400|GET|/api/jobs?q=%00|",
            "400|GET|/api/jobs?q=ai%00x&status=running|",
            "400|GET|/api/jobs/ai%00x|",
            "400|GET|/api/jobs/ai%00x/events|",
            "400|GET|/api/deliveries?jobId=%00|",
            "400|POST|/api/subscriptions|{\"url\": \"https://h.example/\", \"description\": \"a\\u0000b\"}",
            "400|POST|/api/userJob/job_status|{\"job_id\": \"ai\\u0000x\"}",
            "400|POST|/api/userJob/job_del|{\"job_id\": \"ai\\u0000x\"}",
            "400|GET|/api/outbox/dead?cursor=x%00|",
            "400|POST|/callbacks/sxwl/tok%00en|{\"jobId\": \"ai1\", \"status\": \"success\"}",
            "422|POST|/callbacks/sxwl|{\"jobId\": \"ai\\u0000x\", \"status\": \"success\"}",
            "422|POST|/callbacks/sxwl|{\"jobId\": \"ai1x\", \"status\": \"success\\u0000\"}",
            "422|POST|/callbacks/sxwl|{\"jobId\": \"ai1x\", \"status\": \"success\", \"url\": \"https://a.example/\\u0000\"}",
    })
    void isAProblemWithAPrecise4xxStatus(int status, String method, String path, String body) {
        // %00 must reach the gateway as it is, not escaped by the client
        var request = as("acme").urlEncodingEnabled(!path.contains("%00"));
        if (body != null) {
            request = request.body(body);
        }
        request.request(method, path).then()
                .statusCode(status)
                .contentType("application/problem+json");
    }

    @Test
    void aJobSpecOver256KiBIs413AndChangesNothing() {
        String padding = "\"padding\": \"" + "x".repeat(256 * 1024) + "\", ";
        String spec = Api.spec("x").replace("\"gpuType\"", padding + "\"gpuType\"");
        int submissions = SxwlSimulator.requestCount("/api/userJob");
        as("acme").body(spec).post("/api/userJob").then().statusCode(413).contentType("application/problem+json");
        assertEquals(submissions, SxwlSimulator.requestCount("/api/userJob"), "nothing went upstream");
    }
}
