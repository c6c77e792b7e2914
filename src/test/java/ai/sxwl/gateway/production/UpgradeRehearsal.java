package ai.sxwl.gateway.production;

import ai.sxwl.gateway.testing.GatewayProcess;
import ai.sxwl.gateway.testing.TestDatabase;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The rolling-upgrade rehearsal (scripts/upgrade-rehearsal.sh builds the two jars; not part of the test suite), on
 * this machine: PostgreSQL (a database of its own), a Kafka broker process and the SXWL simulator, as the production
 * tests run them. Two replicas of the previous release take a steady load, round robin as a load balancer sends it:
 * success callbacks on the shared untokened route for jobs that upstream knows and that ended there (with
 * trust-untokened off, as shipped: each is kept as a receipt and confirmed by {@code job_status}), and submits through
 * the proxy whose jobs call back on their tokened route; on a database loaded with {@code rehearsal.events} older
 * changes. The current release's {@code migrate} command runs beside them; then each replica in turn is replaced by
 * one of the current release (started and ready first, then the old one leaves the rotation and stops gracefully, as
 * a Kubernetes rolling update with maxSurge 1 does). It prints the non-200 answers, the acknowledged requests whose
 * outcome never reached Kafka (with what the database holds of them), the longest a request waited (overall, during
 * the migration, during the replica swaps), and how long each migration held its locks (the run time of its
 * transaction, as Flyway reports it). The replicas run with the shipped waits (callback max-wait, pool, upstream
 * timeouts) and the tests' quick polling schedule.
 * <p>
 * System properties: {@code rehearsal.previous-jar}, {@code rehearsal.current-jar}, {@code rehearsal.events} (default
 * 1,000,000), {@code rehearsal.steady-seconds} (load before, between and after the steps; default 20),
 * {@code rehearsal.previous-management} (the previous release serves /q/* on the management port).
 */
public final class UpgradeRehearsal {

    private static final int SENDERS = 4;

    private final Path previousJar = Path.of(System.getProperty("rehearsal.previous-jar"));
    private final Path currentJar = Path.of(System.getProperty("rehearsal.current-jar"));
    private final String previous = System.getProperty("rehearsal.previous", "previous");
    private final String current = System.getProperty("rehearsal.current", "current");
    /** Whether the previous release serves /q/* on the management port (releases before 0.6.0 do not). */
    private final boolean previousManagement = Boolean.getBoolean("rehearsal.previous-management");
    private final long events = Long.getLong("rehearsal.events", 1_000_000);
    private final Duration steady = Duration.ofSeconds(Long.getLong("rehearsal.steady-seconds", 20));
    private final Map<String, long[]> windows = new LinkedHashMap<>();

    public static void main(String[] args) throws Exception {
        int failures = new UpgradeRehearsal().run();
        System.exit(failures == 0 ? 0 : 1); // the Kafka client's and HTTP client's threads would keep the JVM up
    }

    private int run() throws Exception {
        ProductionStack stack = ProductionStack.get();
        String jdbcUrl = TestDatabase.jdbcUrl(ProductionStack.DATABASE);
        System.out.printf("== previous %s%n== current  %s%n", previousJar, currentJar);

        GatewayProcess first = replica(stack, previousJar);
        first.start(); // migrates the empty database to the previous release's schema
        long loaded = System.nanoTime();
        long rows = load(jdbcUrl, events);
        System.out.printf("== database: %,d older changes (%,d jobs) loaded in %d s%n", rows, rows / 3,
                (System.nanoTime() - loaded) / 1_000_000_000);
        GatewayProcess second = replica(stack, previousJar);
        second.start();

        List<GatewayProcess> replicas = new CopyOnWriteArrayList<>(List.of(first, second));
        List<String> migrations;
        int migrateExit;
        Load load = new Load(replicas, SENDERS, Load.Kind.UNTOKENED_CALLBACK, Load.Kind.SUBMIT_CALLED_BACK);
        long loadStarted = System.nanoTime();
        try {
            pause(steady);
            GatewayProcess migrator = replica(stack, currentJar);
            long started = System.nanoTime();
            migrateExit = migrator.run(Duration.ofMinutes(30), "migrate");
            windows.put("migration", new long[] {started, System.nanoTime()});
            migrations = Files.readAllLines(migrator.log()).stream()
                    .filter(line -> line.contains("migrated V") || line.contains("schema at V")
                            || line.contains("gave up waiting for a lock") || line.contains("ERROR"))
                    .map(line -> line.replaceFirst("^.*\\) ", "")).toList();
            System.out.printf("== migrate exited %d after %d ms%n", migrateExit,
                    (System.nanoTime() - started) / 1_000_000);
            pause(steady);
            for (int i = 0; i < replicas.size(); i++) {
                long swapStarted = System.nanoTime();
                GatewayProcess next = replica(stack, currentJar);
                next.environment.put("QUARKUS_FLYWAY_MIGRATE_AT_START", "false"); // the migrate step did it
                next.start();
                GatewayProcess old = replicas.set(i, next); // out of the rotation, then a graceful stop
                boolean stopped = old.stop();
                windows.put("swap of replica " + (i + 1), new long[] {swapStarted, System.nanoTime()});
                System.out.printf("== replica %d replaced by the current release in %d ms (old one stopped: %s)%n",
                        i + 1, (System.nanoTime() - swapStarted) / 1_000_000, stopped);
                pause(steady);
            }
        } finally {
            load.close();
        }

        List<Load.Sent> sent = new ArrayList<>(load.sent);
        List<Load.Sent> failed = sent.stream().filter(s -> s.status() != 200).toList();
        List<Load.Sent> acknowledged = load.acknowledged();
        List<String> missing = missingFromKafka(stack, acknowledged);
        System.out.println();
        System.out.printf("== upgrade rehearsal: %s -> %s, %,d older changes in the database%n", previous, current,
                rows);
        System.out.printf("requests sent:                           %,d (shared-route callbacks and submits)%n",
                sent.size());
        System.out.printf("non-200 answers:                         %d%n", failed.size());
        failed.stream().limit(5).forEach(s -> System.out.printf("    %s %s %s%n", s.status(),
                when(s, loadStarted), s.failure() == null ? "" : s.failure().toString()));
        System.out.printf("acknowledged requests missing on Kafka:  %d of %,d%n", missing.size(), acknowledged.size());
        for (String job : missing.subList(0, Math.min(5, missing.size()))) {
            System.out.println("    " + job + " " + jobState(jdbcUrl, job));
        }
        // Callbacks are what SXWL never retries; a submit's wait includes its call upstream.
        List<Load.Sent> callbacks = sent.stream().filter(s -> s.kind() == Load.Kind.UNTOKENED_CALLBACK).toList();
        List<Load.Sent> submits = sent.stream().filter(s -> s.kind() != Load.Kind.UNTOKENED_CALLBACK).toList();
        System.out.printf("longest a callback waited:               %d ms (p99 %d ms, median %d ms)%n",
                longest(callbacks, 0, Long.MAX_VALUE), percentile(callbacks, 0.99), percentile(callbacks, 0.5));
        callbacks.stream().max(Comparator.comparingLong(s -> s.endedNanos() - s.startedNanos()))
                .ifPresent(s -> System.out.printf("    the longest: %s%n", when(s, loadStarted)));
        windows.forEach((name, window) -> System.out.printf("    during the %-20s %d ms%n", name + ":",
                longest(callbacks, window[0], window[1])));
        System.out.printf("longest a submit waited:                 %d ms (p99 %d ms; with its call upstream)%n",
                longest(submits, 0, Long.MAX_VALUE), percentile(submits, 0.99));
        System.out.println("migrate (exit " + migrateExit + "), each migration's transaction (its locks held):");
        migrations.forEach(line -> System.out.println("    " + line));
        return failed.size() + missing.size() + (migrateExit == 0 ? 0 : 1);
    }

    private GatewayProcess replica(ProductionStack stack, Path jar) throws Exception {
        GatewayProcess replica = stack.replica();
        replica.jar = jar;
        System.out.printf("  %s: log %s%n", jar.equals(previousJar) ? "previous" : "current", replica.log());
        // Why a poll failed (a missing outcome's story) is logged at DEBUG by both releases.
        replica.environment.put("QUARKUS_LOG_CATEGORY__AI_SXWL_GATEWAY_RECONCILE__LEVEL", "DEBUG");
        // The shipped waits, not the production tests' shortened ones: whether a callback is answered 503 (max-wait,
        // a pool connection) and whether a slow upstream counts as a failed confirmation (the upstream timeouts, the
        // circuit breaker they trip) is what the rehearsal measures. On this shared 2-core machine the simulator,
        // in the rehearsal's JVM, took over 2 s to answer: with the tests' 2 s read timeout a 0.5.0 replica gave up
        // an unconfirmed job after five failed polls in 16 s, before the migration had even started.
        replica.environment.put("GATEWAY_CALLBACK_MAX_WAIT", "5s");
        replica.environment.put("QUARKUS_DATASOURCE_JDBC_ACQUISITION_TIMEOUT", "5s");
        replica.environment.put("GATEWAY_UPSTREAM_CONNECT_TIMEOUT", "5s");
        replica.environment.put("GATEWAY_UPSTREAM_READ_TIMEOUT", "30s");
        if (jar.equals(previousJar)) {
            // The README's step before a rolling update from 0.5.0: its pool prepares no statement on the server, so
            // V10's new columns do not fail its inserts (0.5.0 reads generated ids back with RETURNING *).
            replica.environment.computeIfPresent("QUARKUS_DATASOURCE_JDBC_URL",
                    (name, url) -> url + (url.contains("?") ? "&" : "?") + "prepareThreshold=0");
        }
        return jar.equals(previousJar) ? replica.withManagementInterface(previousManagement) : replica;
    }

    /**
     * Loads the previous release's schema with finished jobs of three changes each (submitted, running, succeeded),
     * numbered in the feed as that release numbers them; the trigram indexes are dropped for the load and built again.
     */
    private static long load(String jdbcUrl, long events) throws Exception {
        long jobs = (events + 2) / 3;
        try (Connection db = DriverManager.getConnection(jdbcUrl, TestDatabase.USER, TestDatabase.PASSWORD);
             Statement sql = db.createStatement()) {
            sql.execute("SET synchronous_commit = off");
            Map<String, String> gin = new LinkedHashMap<>();
            try (ResultSet index = sql.executeQuery("SELECT indexname, indexdef FROM pg_indexes"
                    + " WHERE tablename = 'job' AND indexdef LIKE '%USING gin%'")) {
                while (index.next()) {
                    gin.put(index.getString(1), index.getString(2));
                }
            }
            for (String index : gin.keySet()) {
                sql.execute("DROP INDEX " + index);
            }
            sql.execute("INSERT INTO job (job_id, tenant, status, seq, upstream_status, created_at, updated_at,"
                    + " quiet_polls, failed_polls, not_found_polls, unconfirmed)"
                    + " SELECT 'older-' || i, '" + ProductionStack.TENANT + "', 'succeeded', 3, 'success',"
                    + " now() - i * interval '10 seconds', now() - i * interval '10 seconds' + interval '2 minutes',"
                    + " 0, 0, 0, false FROM generate_series(1, " + jobs + ") AS i");
            sql.execute("INSERT INTO job_event (job_id, tenant, seq, type, state_key, status, previous_status,"
                    + " upstream_status, detected_by, occurred_at, feed_position)"
                    + " SELECT 'older-' || i, '" + ProductionStack.TENANT + "', s, st.status, st.status, st.status,"
                    + " st.previous, st.upstream, 'callback', now() - i * interval '10 seconds' + s * interval '1 minute',"
                    + " (i - 1) * 3 + s FROM generate_series(1, " + jobs + ") AS i CROSS JOIN generate_series(1, 3) AS s"
                    + " CROSS JOIN LATERAL (SELECT (ARRAY['submitted', 'running', 'succeeded'])[s] AS status,"
                    + " (ARRAY[NULL, 'submitted', 'running'])[s] AS previous,"
                    + " (ARRAY['pending', 'working', 'success'])[s] AS upstream) st");
            sql.execute("SELECT setval('job_event_feed_position', " + jobs * 3 + ")");
            for (String definition : gin.values()) {
                sql.execute(definition);
            }
            sql.execute("ANALYZE job");
            sql.execute("ANALYZE job_event");
            try (ResultSet count = sql.executeQuery("SELECT COUNT(*) FROM job_event")) {
                count.next();
                return count.getLong(1);
            }
        }
    }

    /** What the database holds of a job whose outcome did not reach Kafka: where it got stuck. */
    private static String jobState(String jdbcUrl, String jobId) {
        try (Connection db = DriverManager.getConnection(jdbcUrl, TestDatabase.USER, TestDatabase.PASSWORD);
             java.sql.PreparedStatement select = db.prepareStatement("SELECT status, upstream_status, unconfirmed,"
                     + " next_poll_at, quiet_polls, failed_polls, not_found_polls,"
                     + " (SELECT COUNT(*) FROM job_event e WHERE e.job_id = j.job_id) AS changes,"
                     + " (SELECT COUNT(*) FROM kafka_outbox o WHERE o.record_key = j.job_id) AS unpublished"
                     + " FROM job j WHERE job_id = ?")) {
            select.setString(1, jobId);
            StringBuilder state = new StringBuilder();
            try (ResultSet row = select.executeQuery()) {
                if (row.next()) {
                    for (int c = 1; c <= row.getMetaData().getColumnCount(); c++) {
                        state.append(row.getMetaData().getColumnLabel(c)).append('=').append(row.getObject(c))
                                .append(' ');
                    }
                } else {
                    state.append("(no job row) ");
                }
            }
            try (java.sql.PreparedStatement receipts = db.prepareStatement("SELECT route, outcome, note, received_at"
                    + " FROM callback_receipt WHERE job_id = ? ORDER BY id")) {
                receipts.setString(1, jobId);
                try (ResultSet receipt = receipts.executeQuery()) {
                    while (receipt.next()) {
                        state.append("receipt: ").append(receipt.getString(1)).append(' ').append(receipt.getString(2))
                                .append(" \"").append(receipt.getString(3)).append("\" at ")
                                .append(receipt.getObject(4)).append("; ");
                    }
                }
            }
            return state.toString().trim();
        } catch (java.sql.SQLException e) {
            return "(" + e.getMessage() + ")";
        }
    }

    /** The acknowledged callbacks whose outcome is not on the topic, after waiting up to three minutes for it. */
    private static List<String> missingFromKafka(ProductionStack stack, List<Load.Sent> acknowledged)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        List<String> missing;
        do {
            missing = acknowledged.stream().filter(s -> stack.eventsOf(s.jobId()).stream()
                            .noneMatch(e -> e.path("type").asText().equals(Load.expectedType(s))))
                    .map(Load.Sent::jobId).toList();
            if (!missing.isEmpty()) {
                Thread.sleep(1000);
            }
        } while (!missing.isEmpty() && System.nanoTime() < deadline);
        return missing;
    }

    /** When a request was sent (seconds into the load), during which step, to which replica, what it was. */
    private String when(Load.Sent sent, long loadStarted) {
        String step = windows.entrySet().stream()
                .filter(w -> sent.endedNanos() >= w.getValue()[0] && sent.startedNanos() <= w.getValue()[1])
                .map(Map.Entry::getKey).findFirst().orElse("no step");
        return String.format("%s at +%.1f s (%s), %d ms, job %s", sent.kind(),
                (sent.startedNanos() - loadStarted) / 1e9, step,
                (sent.endedNanos() - sent.startedNanos()) / 1_000_000, sent.jobId());
    }

    /** The longest wait of a request that was under way at some time within [from, to]. */
    private static long longest(List<Load.Sent> sent, long from, long to) {
        return sent.stream().filter(s -> s.endedNanos() >= from && s.startedNanos() <= to)
                .mapToLong(s -> (s.endedNanos() - s.startedNanos()) / 1_000_000).max().orElse(0);
    }

    private static long percentile(List<Load.Sent> sent, double fraction) {
        List<Long> millis = sent.stream().map(s -> (s.endedNanos() - s.startedNanos()) / 1_000_000)
                .sorted(Comparator.naturalOrder()).toList();
        return millis.isEmpty() ? 0 : millis.get((int) Math.min(millis.size() - 1, millis.size() * fraction));
    }

    private static void pause(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis()); // a steady load for this long, by design
    }
}
