package ai.sxwl.gateway.console;

import io.quarkus.qute.RawString;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * The tenant's callbacks and outcomes per minute over the last hours, as a small inline SVG bar chart: grey bars for
 * the callbacks received for its jobs, green for jobs that succeeded, red for those that failed or were lost, side by
 * side in each minute. Counted
 * by the database (two grouped queries over indexed time ranges), so a busy hour costs the page no more than a quiet
 * one.
 */
@ApplicationScoped
public class ActivityChart {

    static final Duration SPAN = Duration.ofHours(3);
    private static final int MINUTES = (int) SPAN.toMinutes();
    private static final int BAR = 4;
    private static final int HEIGHT = 120;
    private static final String MINUTE = "FLOOR(EXTRACT(EPOCH FROM %s) / 60)";

    private final EntityManager em;

    ActivityChart(EntityManager em) {
        this.em = em;
    }

    @Transactional
    public RawString render(String tenant, Map<String, String> labels, Instant now) {
        long lastMinute = now.getEpochSecond() / 60;
        long firstMinute = lastMinute - MINUTES + 1;
        Instant since = Instant.ofEpochSecond(firstMinute * 60).truncatedTo(ChronoUnit.MINUTES);
        long[] callbacks = new long[MINUTES];
        long[] succeeded = new long[MINUTES];
        long[] failed = new long[MINUTES];
        // Each query answers (minute, count, series); the series names the bars its count adds to.
        Map<String, long[]> series = Map.of("callbacks", callbacks, "succeeded", succeeded, "failed", failed,
                "lost", failed);
        String receiptMinute = String.format(MINUTE, "r.received_at");
        add(em.createNativeQuery("SELECT " + receiptMinute + ", COUNT(*), 'callbacks' FROM callback_receipt r"
                + " JOIN job j ON j.job_id = r.job_id WHERE j.tenant = ?1 AND r.received_at >= ?2"
                + " GROUP BY " + receiptMinute), tenant, since, firstMinute, series);
        String eventMinute = String.format(MINUTE, "occurred_at");
        add(em.createNativeQuery("SELECT " + eventMinute + ", COUNT(*), type FROM job_event WHERE tenant = ?1"
                + " AND occurred_at >= ?2 AND type IN ('succeeded', 'failed', 'lost') GROUP BY " + eventMinute
                + ", type"), tenant, since, firstMinute, series);
        return new RawString(svg(callbacks, succeeded, failed, labels));
    }

    @SuppressWarnings("unchecked")
    private static void add(Query query, String tenant, Instant since, long firstMinute, Map<String, long[]> series) {
        List<Object[]> rows = query.setParameter(1, tenant).setParameter(2, since).getResultList();
        for (Object[] row : rows) {
            int i = (int) (((Number) row[0]).longValue() - firstMinute);
            if (i >= 0 && i < MINUTES) {
                series.get(row[2].toString())[i] += ((Number) row[1]).longValue();
            }
        }
    }

    private static String svg(long[] callbacks, long[] succeeded, long[] failed, Map<String, String> labels) {
        long max = 1;
        for (int i = 0; i < MINUTES; i++) {
            max = Math.max(max, Math.max(callbacks[i], succeeded[i] + failed[i]));
        }
        int width = MINUTES * BAR;
        StringBuilder svg = new StringBuilder("<svg id=\"activity\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(width).append("\" height=\"").append(HEIGHT + 20).append("\" role=\"img\" aria-label=\"")
                .append(labels.get("activity")).append("\">");
        svg.append("<rect x=\"0\" y=\"0\" width=\"").append(width).append("\" height=\"").append(HEIGHT)
                .append("\" fill=\"#f6f8fa\"/>");
        long total = 0;
        for (int i = 0; i < MINUTES; i++) {
            total += callbacks[i];
            bar(svg, i * BAR, 0, callbacks[i], max, "#8c959f");
            bar(svg, i * BAR + BAR / 2, 0, succeeded[i], max, "#2da44e");
            bar(svg, i * BAR + BAR / 2, succeeded[i], failed[i], max, "#cf222e");
        }
        svg.append("<text x=\"2\" y=\"").append(HEIGHT + 15).append("\" font-size=\"11\" fill=\"#57606a\">-3h</text>")
                .append("<text x=\"").append(width - 30).append("\" y=\"").append(HEIGHT + 15)
                .append("\" font-size=\"11\" fill=\"#57606a\">now</text>")
                .append("<text x=\"").append(width / 2 - 90).append("\" y=\"").append(HEIGHT + 15)
                .append("\" font-size=\"11\" fill=\"#57606a\">max ").append(max).append("/min · ")
                .append(labels.get("callbacks")).append(" ").append(total).append("</text>");
        return svg.append("</svg>").toString();
    }

    /** Half a minute's width: callbacks on the left, outcomes (succeeded below failed) on the right. */
    private static void bar(StringBuilder svg, int x, long below, long count, long max, String colour) {
        if (count == 0) {
            return;
        }
        long top = (below + count) * HEIGHT / max;
        long height = Math.max(1, count * HEIGHT / max);
        svg.append("<rect x=\"").append(x).append("\" y=\"").append(HEIGHT - top).append("\" width=\"")
                .append(BAR / 2).append("\" height=\"").append(height).append("\" fill=\"").append(colour).append("\"/>");
    }
}
