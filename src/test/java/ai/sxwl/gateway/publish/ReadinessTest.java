package ai.sxwl.gateway.publish;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

@QuarkusTest
class ReadinessTest {

    @Test
    void readinessIsTheDatabaseAloneAndTheDependenciesHaveTheirOwnGroup() {
        given().get("/q/health/ready").then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                // and, from SIGTERM on, down for the shutdown delay (quarkus.shutdown.delay-enabled)
                .body("checks.name", containsInAnyOrder("Database connections health check", "Graceful Shutdown"));
        // Eventually: a test before this one may just have restarted the broker.
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().get("/q/health/group/dependencies").then()
                .statusCode(200)
                .body("checks.name", hasItems("kafka", "kafka-topic", "outbox-lag", "webhook-backlog", "sxwl-upstream"))
                .body("checks.find { it.name == 'outbox-lag' }.data.alertSeconds", equalTo(300)));
    }

    @Test
    void metricsAndOpenApiAreServed() {
        // Eventually: on a busy machine this may be the first request of a test application that has just started.
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().get("/q/metrics").then().statusCode(200)
                .body(containsString("gateway_callbacks_total"))
                .body(containsString("gateway_outbox_published_total"))
                .body(containsString("gateway_missed_callbacks_recovered_total"))
                .body(containsString("gateway_webhook_attempt_latency_seconds"))
                .body(containsString("gateway_webhook_endpoints_disabled"))
                .body(containsString("gateway_outbox_lag_seconds"))
                .body(containsString("gateway_outbox_dead_lettered_total"))
                .body(containsString("gateway_webhook_backlog_seconds"))
                .body(containsString("gateway_upstream_reachable")));
        given().get("/q/openapi").then().statusCode(200);
    }
}
