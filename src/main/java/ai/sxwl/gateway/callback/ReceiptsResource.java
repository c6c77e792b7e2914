package ai.sxwl.gateway.callback;

import ai.sxwl.gateway.history.Job;
import ai.sxwl.gateway.tenant.CurrentTenant;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/** The raw callbacks received for one of the tenant's jobs, oldest first, with what each did. */
@Path("/api/jobs/{jobId}/receipts")
@Tag(name = "history", description = "Jobs and their changes")
@Produces(MediaType.APPLICATION_JSON)
public class ReceiptsResource {

    private static final int MAX_RECEIPTS = 200;

    private final CurrentTenant tenant;
    private final EntityManager em;

    ReceiptsResource(CurrentTenant tenant, EntityManager em) {
        this.tenant = tenant;
        this.em = em;
    }

    /** One received callback: its route, the parsed status and URL, the body as it came, and its outcome. */
    public record ReceiptView(long id, String route, String status, String url, String body, String outcome,
                              String note, Instant receivedAt) {
    }

    @GET
    @Operation(summary = "The callbacks received for a job (at most 200, oldest first): body, outcome (applied,"
            + " duplicate, anomaly, unconfirmed...) and note")
    public List<ReceiptView> list(@RestPath String jobId) {
        Job.ownedBy(jobId, tenant.name());
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT id, route, status, url, body, outcome, note, received_at"
                        + " FROM callback_receipt WHERE job_id = ?1 ORDER BY received_at, id")
                .setParameter(1, jobId)
                .setMaxResults(MAX_RECEIPTS)
                .getResultList();
        return rows.stream().map(row -> new ReceiptView(((Number) row[0]).longValue(), (String) row[1],
                (String) row[2], (String) row[3], (String) row[4], (String) row[5], (String) row[6],
                instant(row[7]))).toList();
    }

    private static Instant instant(Object value) {
        return value instanceof OffsetDateTime time ? time.toInstant() : (Instant) value;
    }
}
