package ai.sxwl.gateway.tenant;

import ai.sxwl.gateway.testing.SxwlSimulator;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static ai.sxwl.gateway.testing.Api.as;
import static ai.sxwl.gateway.testing.Api.submit;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/**
 * A tenant never sees another tenant's jobs: 404, exactly as for a job that does not exist; the drop-in proxy asks
 * upstream with the caller's own token and answers as upstream did, never moving the other tenant's job.
 */
@QuarkusTest
class TenantIsolationTest {

    @jakarta.inject.Inject
    ai.sxwl.gateway.testing.Db db;

    @Test
    void anotherTenantsJobIsNotFoundAnywhere() {
        String jobId = submit("acme", "keeps working");
        String body = "{\"job_id\":\"" + jobId + "\"}";

        as("globex").get("/api/jobs/" + jobId).then().statusCode(404).contentType("application/problem+json");
        as("globex").get("/api/jobs/" + jobId + "/events").then().statusCode(404);
        // The proxy asks upstream with globex's own token, which does not know acme's job: upstream's answers.
        as("globex").body(body).post("/api/userJob/job_status").then().statusCode(400)
                .contentType("application/problem+json");
        as("globex").body(body).post("/api/userJob/job_del").then().statusCode(200);
        org.junit.jupiter.api.Assertions.assertEquals("working", SxwlSimulator.state(jobId));
        as("globex").get("/api/jobs?limit=200").then().statusCode(200)
                .body("items.jobId", not(hasItem(jobId)))
                .body("items.tenant", everyItem(equalTo("globex")));

        // (the reconciler may have polled it meanwhile: submitted or running, never moved by globex's calls)
        as("acme").get("/api/jobs/" + jobId).then().statusCode(200).body("tenant", equalTo("acme"))
                .body("status", org.hamcrest.Matchers.oneOf("submitted", "running"));
        as("acme").get("/api/jobs?status=submitted,running&limit=200").then().statusCode(200)
                .body("items.jobId", hasItem(jobId));
        as("acme").get("/api/jobs?q=" + jobId.substring(2, 14)).then().statusCode(200)
                .body("items.jobId", equalTo(java.util.List.of(jobId)));
        as("acme").get("/api/jobs?search=RTX-3090&since=2020-01-01T00:00:00Z").then().statusCode(200)
                .body("items.jobId", hasItem(jobId));
        as("acme").get("/api/jobs?status=exploded").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void asAnotherTenantsJobUpstreamKnowsIsAnsweredButNeverAdopted() {
        // A job upstream shows to every token (submitted directly), already adopted by acme.
        String jobId = SxwlSimulator.openJobs(1).get(0);
        String body = "{\"job_id\":\"" + jobId + "\"}";
        as("acme").body(body).post("/api/userJob/job_status").then().statusCode(200);

        as("globex").body(body).post("/api/userJob/job_status").then().statusCode(200)
                .body("status", equalTo("working"));
        SxwlSimulator.finish(jobId, true);
        // globex's request carries a trace of its own: a change it caused would carry it.
        String globexTrace = "00-" + java.util.UUID.randomUUID().toString().replace("-", "") + "-00f067aa0ba902b7-01";
        as("globex").header("traceparent", globexTrace).body(body).post("/api/userJob/job_status").then()
                .statusCode(200).body("status", equalTo("success"));

        as("globex").get("/api/jobs/" + jobId).then().statusCode(404);
        as("acme").get("/api/jobs/" + jobId).then().statusCode(200).body("tenant", equalTo("acme"));
        org.junit.jupiter.api.Assertions.assertEquals(List.of(), db.rows(
                "SELECT seq FROM job_event WHERE job_id = ? AND traceparent = ?", jobId, globexTrace),
                "globex's answer changed nothing of acme's job");
    }

    @Test
    void jobsArePagedByCursorWithoutGapsOrRepeats() {
        for (int i = 0; i < 3; i++) {
            submit("globex", "keeps working");
        }
        List<String> all = as("globex").get("/api/jobs?limit=200").then().extract().path("items.jobId");
        List<String> paged = new java.util.ArrayList<>();
        String cursor = null;
        do {
            var page = as("globex").queryParam("limit", 2).queryParams(cursor == null ? java.util.Map.of()
                    : java.util.Map.of("cursor", cursor)).get("/api/jobs").then().statusCode(200).extract();
            paged.addAll(page.path("items.jobId"));
            cursor = page.path("nextCursor");
        } while (cursor != null);
        org.junit.jupiter.api.Assertions.assertEquals(all, paged);
    }
}
