package ai.sxwl.gateway.history;

import ai.sxwl.gateway.problem.PageCursor;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SortedMap;
import java.util.stream.Collectors;

/**
 * One page of a tenant's jobs, newest first ({@code created_at}, then {@code job_id}, descending), written so that
 * every combination of filters has an index that serves both the filter and the order, at any depth:
 * <ul>
 *   <li>no status: {@code job_tenant_created}; one status: {@code job_tenant_status_created}; several statuses: one
 *       ordered, limited range per status, merged (an {@code IN} list would lose the index order and sort every
 *       match);</li>
 *   <li>paging is keyset paging, {@code (created_at, job_id) < (cursor)}, so page 1,000 costs what page 1 does;</li>
 *   <li>{@code q} is a substring of the job id or of {@code search_text} (the spec's name fields), with {@code %},
 *       {@code _} and {@code \} escaped: two ordered, limited ranges merged, one per index. On PostgreSQL the id
 *       range uses the index of the ids' 6-character pieces ({@code id_grams}; a trigram index on the id for
 *       shorter searches) and the names range a trigram index; the embedded H2 scans.</li>
 *   <li>{@code label=k=v} (several: all of them) is containment of a JSON object in the labels:
 *       {@code CAST(labels AS jsonb) @> '{"k":"v"}'}, served on PostgreSQL by the GIN index {@code job_labels_gin};
 *       on H2 a LIKE of {@code "k":"v"} over the canonical JSON text, exact since keys and values hold no quotes.</li>
 * </ul>
 *
 * @param statuses empty for every status (jobs without one, known only from unconfirmed callbacks, never show)
 * @param text     the search, or null
 * @param labels   labels every job of the page carries (empty: no label filter)
 * @param after    the last job of the previous page, or null
 * @param postgres whether the database is PostgreSQL (its id search index), or the embedded H2
 */
record JobQuery(String tenant, Set<JobStatus> statuses, Instant since, Instant until, String text,
                SortedMap<String, String> labels, PageCursor.Position after, boolean postgres) {

    private static final String ORDER = " ORDER BY created_at DESC, job_id DESC LIMIT ";
    /** The length of the pieces in {@code id_grams} (db/vendor/postgresql/V5_1). */
    private static final int ID_PIECE = 6;

    /** Where a search looks: the job id, or the spec's name fields. */
    private enum SearchIn { ID, NAMES }

    @SuppressWarnings("unchecked")
    List<Job> page(EntityManager em, int limit) {
        List<Object> params = new ArrayList<>();
        List<String> ranges = new ArrayList<>();
        for (JobStatus status : statuses.isEmpty() ? Collections.<JobStatus>singletonList(null) : statuses) {
            for (SearchIn in : text == null ? Collections.<SearchIn>singletonList(null) : List.of(SearchIn.values())) {
                ranges.add(select(status, in, params, limit));
            }
        }
        // One range is the page; several are merged (UNION: a job found by its id and by its names shows once).
        String sql = ranges.size() == 1 ? ranges.get(0) : "SELECT * FROM ("
                + ranges.stream().map(range -> "(" + range + ")").collect(Collectors.joining(" UNION "))
                + ") page" + ORDER + limit;
        Query query = em.createNativeQuery(sql, Job.class);
        for (int i = 0; i < params.size(); i++) {
            query.setParameter(i + 1, params.get(i));
        }
        return query.getResultList();
    }

    private String select(JobStatus status, SearchIn in, List<Object> params, int limit) {
        StringBuilder where = new StringBuilder("tenant = ").append(param(params, tenant));
        where.append(status == null ? " AND status IS NOT NULL" : " AND status = " + param(params, status.wire()));
        if (since != null) {
            where.append(" AND created_at >= ").append(param(params, since));
        }
        if (until != null) {
            where.append(" AND created_at < ").append(param(params, until));
        }
        if (in == SearchIn.NAMES) {
            where.append(" AND search_text LIKE ").append(param(params, "%" + likeEscaped(text) + "%"))
                    .append(" ESCAPE '\\'");
        } else if (in == SearchIn.ID) {
            where.append(" AND LOWER(job_id) LIKE ").append(param(params, "%" + likeEscaped(text) + "%"))
                    .append(" ESCAPE '\\'");
            if (postgres && text.length() >= ID_PIECE) {
                // Redundant with the LIKE, and what lets the pieces' index find the few candidate rows.
                where.append(" AND id_grams @> job_id_grams(").append(param(params, text)).append(")");
            }
        }
        if (!labels.isEmpty()) {
            labelCondition(where, params);
        }
        if (after != null) {
            where.append(" AND (created_at, job_id) < (").append(param(params, after.at())).append(", ")
                    .append(param(params, after.key())).append(")");
        }
        return "SELECT * FROM job WHERE " + where + ORDER + limit;
    }

    private void labelCondition(StringBuilder where, List<Object> params) {
        if (postgres) {
            where.append(" AND CAST(labels AS jsonb) @> CAST(").append(param(params, JobLabels.toJson(labels)))
                    .append(" AS jsonb)");
            return;
        }
        labels.forEach((key, value) -> {
            String member = "\"" + key + "\":\"" + value + "\""; // as JobLabels.toJson writes it
            where.append(" AND labels LIKE ").append(param(params, "%" + likeLiteral(member) + "%"))
                    .append(" ESCAPE '\\'");
        });
    }

    /** Adds a parameter; returns its placeholder. */
    private static String param(List<Object> params, Object value) {
        params.add(value);
        return "?" + params.size();
    }

    /** The search as a LIKE pattern that matches it literally, lower-cased like {@code search_text}. */
    static String likeEscaped(String text) {
        return likeLiteral(text.toLowerCase(Locale.ROOT));
    }

    /** The text as a LIKE pattern that matches it literally, case kept. */
    private static String likeLiteral(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
