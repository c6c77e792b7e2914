package ai.sxwl.gateway.callback;

import ai.sxwl.gateway.testing.Db;
import ai.sxwl.gateway.testing.TestJobs;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;

import static ai.sxwl.gateway.testing.Callbacks.body;
import static ai.sxwl.gateway.testing.Callbacks.onToken;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** When the callback cannot be stored the gateway says so (503, Retry-After) and keeps nothing half-written. */
@QuarkusTest
class StorageOutageTest {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    CallbackTokens tokens;

    @Inject
    Db db;

    @Test
    void aCallbackThatCannotBeStoredIs503WithRetryAfter() throws Exception {
        String jobId = TestJobs.newJobId();
        String token = tokens.mint(TestJobs.submission("acme", jobId));
        String body = body(jobId, "success", "");

        // Another session holds the receipts table: the gateway's insert times out (statement_timeout in tests).
        try (Connection blocker = dataSource.getConnection()) {
            blocker.setAutoCommit(false);
            try (Statement statement = blocker.createStatement()) {
                statement.execute("LOCK TABLE callback_receipt IN ACCESS EXCLUSIVE MODE");
            }
            onToken(token, body).statusCode(503).contentType("application/problem+json")
                    .header("Retry-After", notNullValue()).body("status", equalTo(503));
            blocker.rollback();
        }
        assertEquals(0, db.count("SELECT count(*) FROM job WHERE job_id = ?", jobId), "the change rolled back");
        assertEquals(0, db.count("SELECT count(*) FROM kafka_outbox WHERE record_key = ?", jobId));

        onToken(token, body).statusCode(200);
        assertEquals(1, db.count("SELECT count(*) FROM job_event WHERE job_id = ?", jobId));
    }
}
