package ai.sxwl.gateway.problem;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static ai.sxwl.gateway.testing.Api.as;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;

/** SPEC section 5: bad input of any kind gets a clear 4xx problem, never a 5xx. */
@QuarkusTest
class BadInputTest {

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "POST|/api/subscriptions|{\"url\": [1, 2]}",
            "POST|/api/subscriptions|{\"url\": \"https://h.example/\", \"eventTypes\": \"succeeded\"}",
            "POST|/api/subscriptions|{\"url\": \"https://h.example/\", \"enabled\": \"maybe\"}",
            "POST|/api/subscriptions|[]",
            "POST|/api/subscriptions|{oops",
            "POST|/api/subscriptions/sub_nope/replay|{\"since\": \"yesterday\"}",
            "POST|/api/subscriptions/sub_nope/rotate-secret|",
            "PATCH|/api/subscriptions/sub_nope|{\"enabled\": true}",
            "POST|/api/userJob|[1]",
            "POST|/api/userJob|\"spec\"",
            "POST|/api/userJob/job_status|[]",
            "POST|/api/userJob/job_status|{\"job_id\": 7}",
            "POST|/api/userJob/job_del|{oops",
            "GET|/api/jobs?since=soon|",
            "GET|/api/jobs?cursor=%%%|",
            "GET|/api/jobs?limit=abc|",
            "GET|/api/jobs/nope/model-url|",
            "GET|/api/deliveries?state=lost|",
            "GET|/api/deliveries?cursor=abc|",
            "GET|/api/deliveries/abc|",
            "POST|/api/deliveries/999999999/redeliver|",
    })
    void isAProblemWithA4xxStatus(String method, String path, String body) {
        var request = as("acme");
        if (body != null) {
            request = request.body(body);
        }
        request.request(method, path).then()
                .statusCode(allOf(greaterThanOrEqualTo(400), lessThan(500)))
                .contentType("application/problem+json");
    }
}
