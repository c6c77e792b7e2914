package ai.sxwl.gateway.benchmark;

import ai.sxwl.gateway.testing.GatewayProcess;
import ai.sxwl.gateway.testing.KafkaProcess;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The ingest benchmark (scripts/bench-ingest.sh, not part of the test suite): the production jar on PostgreSQL and a
 * Kafka broker process, all on this machine, measured in one run:
 * <ul>
 *   <li>durable ingest (wrk, unique job ids, the trusted untokened route) at each concurrency, and the same with 30%
 *   duplicates, with p50/p99/p99.9, non-2xx answers and the gateway's CPU per callback;</li>
 *   <li>its two references at the same concurrency: the gateway's cheapest rejected callback (422: the HTTP ceiling)
 *   and pgbench's one-row insert (the database's ceiling), and the ratios;</li>
 *   <li>end-to-end latency from sending a callback (its scheduled time, so a stalled sender counts) to a Kafka
 *   consumer receiving its event, at fixed rates;</li>
 *   <li>the gateway's peak and final RSS, and the CPU the load generator used;</li>
 *   <li>at concurrency {@value #WORK_CONCURRENCY}, what PostgreSQL did per stored callback of the durable-ingest run
 *   beside the same per insert of pgbench's run ({@link PostgresWork}): statements, rows written, WAL, index entries,
 *   CPU.</li>
 * </ul>
 * Settings (system properties): {@code bench.database}, {@code bench.port} and {@code bench.postmaster} (the
 * benchmark's own PostgreSQL cluster, with pg_stat_statements loaded, and its postmaster's pid), {@code bench.seconds}
 * (per run, default 10),
 * {@code bench.concurrency} (default 16,64,256), {@code bench.rates} (default 500,2000), {@code bench.jvm} (the
 * gateway's JVM flags), {@code bench.jfr} (a file: record a JFR profile of the gateway and print where its CPU went),
 * {@code bench.embedded.jar} (the embedded default's jar: also measure it, {@link #embeddedDefault}).
 */
public final class IngestBenchmark {

    private static final String TENANT = "bench";
    private static final String TOPIC = "sxwl.job.events";
    /** The concurrency at which PostgreSQL's work per callback and per pgbench insert is measured. */
    static final int WORK_CONCURRENCY = 64;
    /** The embedded default's load: a team's first try, not a production load. */
    private static final int EMBEDDED_CONCURRENCY = 16;
    private static final String GATEWAY_ROLE = "sxwl";
    private static final String PGBENCH_ROLE = "bench_pgbench";
    /**
     * A backend flushes its table and WAL statistics at most once a second while busy, and an idle one within 10 s
     * (PGSTAT_IDLE_INTERVAL): a window ends this long after the gateway went idle, so that its counts are all in.
     */
    private static final Duration STATISTICS_FLUSH = Duration.ofSeconds(11);
    private static final Pattern RESULT = Pattern.compile("RESULT requests=(\\d+) micros=(\\d+) p50=(\\d+) p99=(\\d+)"
            + " p999=(\\d+) non2xx=(\\d+) socket_errors=(\\d+)");
    private static final Pattern CPU = Pattern.compile("CPU ([\\d.]+) ([\\d.]+) ([\\d.:]+)");
    private static final Pattern TPS = Pattern.compile("tps = ([\\d.]+) \\(without initial connection time\\)");

    private final String database = System.getProperty("bench.database", "sxwl_gateway_ingest");
    private final int port = Integer.getInteger("bench.port", 5433);
    private final int seconds = Integer.getInteger("bench.seconds", 10);
    /** The unmeasured end-to-end pass before the measured one, at the same rate. */
    private static final int E2E_WARM_UP_SECONDS = 5;
    private final int[] concurrencies = ints(System.getProperty("bench.concurrency", "16,64,256"));
    private final int[] rates = ints(System.getProperty("bench.rates", "500,2000"));
    private final String jvm = System.getProperty("bench.jvm", "-Xmx256m -XX:+UseSerialGC");
    private final String jfr = System.getProperty("bench.jfr", "");
    private final String embeddedJar = System.getProperty("bench.embedded.jar", "");
    private long kafkaPid;
    private final String jdbcUrl = "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    private final PostgresWork postgres = new PostgresWork(jdbcUrl,
            Long.parseLong(System.getProperty("bench.postmaster")));

    public static void main(String[] args) throws Exception {
        new IngestBenchmark().run();
        System.exit(0); // the Kafka client's and HTTP client's threads would keep the JVM up
    }

    private void run() throws Exception {
        List<String> flags = new ArrayList<>(Arrays.asList(jvm.split("\\s+")));
        if (!jfr.isEmpty()) {
            flags.add("-XX:StartFlightRecording=filename=" + Path.of(jfr).toAbsolutePath() + ",settings=profile");
        }
        try (KafkaProcess kafka = KafkaProcess.start();
             GatewayProcess gateway = new GatewayProcess(flags.toArray(String[]::new)).withManagementInterface()) {
            kafkaPid = kafka.pid();
            configure(gateway, kafka);
            gateway.start();
            // The JIT compiles for over a minute on 2 shared cores (-XX:+PrintCompilation shows it): warm every path
            // measured below, so that the runs measure the gateway rather than its compiler.
            System.out.println("== warm-up: 60 s of unique callbacks, 15 s with duplicates, 15 s rejected, at"
                    + " concurrency 64; then ANALYZE");
            wrk(gateway, "unique", 64, 60, "warmup");
            wrk(gateway, "dup30", 64, 15, "warmup-dup");
            wrk(gateway, "reject", 64, 15, "warmup-reject");
            analyze();

            System.out.printf("%n%-28s %11s %9s %9s %9s %8s %11s %9s%n", "run", "req/s", "p50 ms", "p99 ms",
                    "p99.9 ms", "non-2xx", "CPU ms/req", "wrk CPU");
            List<double[]> ratios = new ArrayList<>();
            Measured<Wrk> measuredIngest = null;
            Measured<Double> measuredInserts = null;
            for (int c : concurrencies) {
                boolean measureWork = c == WORK_CONCURRENCY;
                Measured<Wrk> ingestRun = measured(measureWork, () -> wrk(gateway, "unique", c, seconds, "c" + c),
                        GATEWAY_ROLE, "callback_receipt");
                Wrk ingest = ingestRun.result();
                Wrk duplicates = wrk(gateway, "dup30", c, seconds, "d" + c);
                Wrk ceiling = wrk(gateway, "reject", c, seconds, "r" + c);
                int pgClients = Math.min(c, maxConnections() - 40);
                Measured<Double> pgbenchRun = measured(measureWork, () -> pgbench(pgClients), PGBENCH_ROLE,
                        "bench_insert");
                double insertTps = pgbenchRun.result();
                if (measureWork) {
                    measuredIngest = ingestRun;
                    measuredInserts = pgbenchRun;
                }
                print("durable ingest, c=" + c, ingest);
                System.out.println("    the machine's CPU: " + ingest.machineSplit);
                System.out.println("    gateway CPU ms per callback by thread: " + perThread(ingest));
                print("  30% duplicates", duplicates);
                print("  HTTP ceiling (422 path)", ceiling);
                System.out.printf("%-28s %11.0f   (%d connections)%n", "  pgbench one-row insert", insertTps, pgClients);
                ratios.add(new double[] {c, ingest.perSecond(), ceiling.perSecond(), insertTps});
            }
            System.out.println();
            for (double[] r : ratios) {
                System.out.println(String.format("c=%-4.0f ingest %,.0f/s = %.2f x the HTTP ceiling (%,.0f/s), %.2f x pgbench's insert"
                        + " (%,.0f tps)", r[0], r[1], r[1] / r[2], r[2], r[1] / r[3], r[3]));
            }
            if (measuredIngest == null) {
                System.out.println("PostgreSQL's work per callback is measured at c=" + WORK_CONCURRENCY
                        + " only, which this run left out");
            } else {
                double ingestPerSecond = measuredIngest.result().perSecond();
                String title = String.format("PostgreSQL's work at c=%d, per stored callback (durable ingest"
                                + " %,.0f/s) and per pgbench insert (%,.0f tps); ingest ÷ pgbench %.2f",
                        WORK_CONCURRENCY, ingestPerSecond, measuredInserts.result(),
                        ingestPerSecond / measuredInserts.result());
                PostgresWork.print(title, measuredIngest.work(), measuredInserts.work(), "job");
            }
            for (int rate : rates) {
                // A first pass unmeasured: this JVM's HTTP client and consumer are cold (wrk did the load so far),
                // and its first connections to the gateway are opened under the first second's load.
                endToEnd(gateway, kafka, rate, E2E_WARM_UP_SECONDS, false);
                endToEnd(gateway, kafka, rate, seconds, true);
            }
            Map<String, Long> memory = memory(gateway.pid());
            System.out.println(String.format("gateway RSS: peak %d MB, after the run %d MB (JVM flags: %s)",
                    memory.get("VmHWM") / 1024, memory.get("VmRSS") / 1024, jvm));
            gateway.stop(); // an orderly stop, which writes the JFR recording
        }
        if (!embeddedJar.isEmpty()) {
            embeddedDefault(Path.of(embeddedJar));
        }
        System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cores; " + LocalDate.now()
                + "; PostgreSQL, the Kafka broker, wrk and the gateway on it; command: scripts/bench-ingest.sh");
        if (!jfr.isEmpty()) {
            IngestJfrHotspots.print(Path.of(jfr));
        }
    }

    /**
     * What the one-command gateway carries: the embedded default's jar (H2 in a file and the in-process broker) started
     * as the README's run command starts it, plus the trusted untokened route, at concurrency
     * {@value #EMBEDDED_CONCURRENCY} after a warm-up: stored callbacks per second and the process's RSS (the broker's
     * CPU is the gateway's here).
     */
    private void embeddedDefault(Path jar) throws Exception {
        kafkaPid = 0;
        try (GatewayProcess gateway = new GatewayProcess(jvm.split("\\s+"))) {
            gateway.jar = jar;
            gateway.environment.put("GATEWAY_CALLBACK_TRUST_UNTOKENED", "true");
            gateway.environment.put("GATEWAY_RECONCILE_ENABLED", "false");
            gateway.start();
            System.out.println("== the embedded default (H2, in-process broker): 30 s warm-up at concurrency "
                    + EMBEDDED_CONCURRENCY);
            wrk(gateway, "unique", EMBEDDED_CONCURRENCY, 30, "embedded-warmup");
            print("embedded default, c=" + EMBEDDED_CONCURRENCY, wrk(gateway, "unique", EMBEDDED_CONCURRENCY, seconds,
                    "embedded"));
            Map<String, Long> memory = memory(gateway.pid());
            System.out.println(String.format("embedded default RSS: peak %d MB, after the run %d MB (JVM flags: %s)",
                    memory.get("VmHWM") / 1024, memory.get("VmRSS") / 1024, jvm));
        }
    }

    private void configure(GatewayProcess gateway, KafkaProcess kafka) {
        Map<String, String> env = gateway.environment;
        env.put("QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl);
        env.put("QUARKUS_DATASOURCE_USERNAME", "sxwl");
        env.put("QUARKUS_DATASOURCE_PASSWORD", "sxwl");
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("GATEWAY_PUBLIC_BASE_URL", "http://localhost:" + gateway.httpPort);
        env.put("GATEWAY_CALLBACK_SECRET", "ingest-benchmark-secret-4f1d9c2b7a6e5d8c3b0a9f8e7d6c5b4a");
        env.put("GATEWAY_TENANTS_BENCH_API_KEY", "ingest-benchmark-api-key-000000000001");
        env.put("GATEWAY_TENANTS_BENCH_UPSTREAM_TOKEN", "ingest-benchmark-upstream-token");
        env.put("GATEWAY_CALLBACK_UNTOKENED_TENANT", TENANT);
        env.put("GATEWAY_CALLBACK_TRUST_UNTOKENED", "true");
        env.put("GATEWAY_RECONCILE_ENABLED", "false");
        env.put("QUARKUS_LOG_CATEGORY__ORG_APACHE_KAFKA__LEVEL", "WARN");
        // Settings to try, e.g. GATEWAY_CALLBACK_WRITERS=4 scripts/bench-ingest.sh
        System.getenv().forEach((key, value) -> {
            if (key.startsWith("GATEWAY_") || key.startsWith("QUARKUS_")) {
                env.put(key, value);
            }
        });
    }

    /** One wrk run of the ingest script; wrk itself runs under GNU time, for the load generator's CPU. */
    private Wrk wrk(GatewayProcess gateway, String mode, int connections, int runSeconds, String run)
            throws IOException, InterruptedException {
        long cpuBefore = cpuTicks(gateway.pid());
        long postgresBefore = postgres.cpuTicks();
        long kafkaBefore = cpuTicks(kafkaPid);
        long[] machineBefore = machineTicks();
        Map<String, Long> threadsBefore = threadTicks(gateway.pid());
        ProcessBuilder builder = new ProcessBuilder("/usr/bin/time", "-f", "CPU %U %S %e", "wrk", "-t2",
                "-c" + connections, "-d" + runSeconds + "s", "--timeout", "10s", "-s", "scripts/bench/ingest.lua",
                "http://127.0.0.1:" + gateway.httpPort).redirectErrorStream(true);
        builder.environment().put("INGEST_MODE", mode);
        builder.environment().put("INGEST_RUN", run + "-" + System.nanoTime());
        String out = output(builder.start());
        long cpuTicks = cpuTicks(gateway.pid()) - cpuBefore;
        long postgresTicks = postgres.cpuTicks() - postgresBefore;
        long kafkaTicks = cpuTicks(kafkaPid) - kafkaBefore;
        long[] machine = machineTicks();
        double wall = (machine[0] - machineBefore[0]) / (double) Runtime.getRuntime().availableProcessors();
        Map<String, Long> threads = threadTicks(gateway.pid());
        threadsBefore.forEach((name, ticks) -> threads.merge(name, -ticks, Long::sum));
        Matcher result = RESULT.matcher(out);
        Matcher cpu = CPU.matcher(out);
        if (!result.find() || !cpu.find()) {
            throw new IllegalStateException("wrk printed no result:\n" + out);
        }
        long requests = Long.parseLong(result.group(1));
        double wrkCores = (Double.parseDouble(cpu.group(1)) + Double.parseDouble(cpu.group(2)))
                / (Long.parseLong(result.group(2)) / 1e6);
        String split = String.format("gateway %.2f, PostgreSQL %.2f, Kafka broker %.2f, wrk %.2f, idle %.2f cores",
                cpuTicks / wall, postgresTicks / wall, kafkaTicks / wall, wrkCores,
                (machine[1] - machineBefore[1]) / wall);
        return new Wrk(requests, Long.parseLong(result.group(2)), Long.parseLong(result.group(3)),
                Long.parseLong(result.group(4)), Long.parseLong(result.group(5)),
                Long.parseLong(result.group(6)) + Long.parseLong(result.group(7)),
                requests == 0 ? 0 : cpuTicks * 10.0 / requests, wrkCores, threads, split);
    }

    /**
     * pgbench inserting one row per transaction into pgbench.bench_insert, a table shaped like the callback receipts
     * (the script creates it), for as long; as a role of its own, so that its statements are told apart.
     */
    private double pgbench(int clients) throws IOException, InterruptedException {
        Path script = Files.createTempFile("bench-insert", ".sql");
        Files.writeString(script, "INSERT INTO pgbench.bench_insert (job_id, body) VALUES ('job-' || :client_id || '-'"
                + " || random(), '{\"status\":\"success\",\"jobId\":\"job\",\"url\":\"https://models.example.com/m\"}');\n");
        ProcessBuilder builder = new ProcessBuilder("pgbench", "-h", "127.0.0.1", "-p", String.valueOf(port),
                "-U", PGBENCH_ROLE, "-n", "-c", String.valueOf(clients), "-j", "2", "-T", String.valueOf(seconds),
                "-f", script.toString(), database).redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", PGBENCH_ROLE);
        String out = output(builder.start());
        Matcher tps = TPS.matcher(out);
        if (!tps.find()) {
            throw new IllegalStateException("pgbench printed no tps:\n" + out);
        }
        return Double.parseDouble(tps.group(1));
    }

    /**
     * A load run between two snapshots of PostgreSQL's counters when {@code measure}, else simply run. Each snapshot
     * is taken once the gateway has nothing left to do (the relay's and the feed sequencer's work after a callback
     * belongs to the callback) and the statistics are flushed; the first after a CHECKPOINT.
     */
    private <T> Measured<T> measured(boolean measure, Load<T> load, String role, String unitTable) throws Exception {
        if (!measure) {
            return new Measured<>(load.run(), null);
        }
        awaitGatewayIdle();
        postgres.checkpoint();
        PostgresWork.Snapshot before = postgres.snapshot();
        T result = load.run();
        awaitGatewayIdle();
        return new Measured<>(result, PostgresWork.between(before, postgres.snapshot(), role, unitTable));
    }

    /**
     * Until every stored change is published (its Kafka outbox row deleted), numbered for the events feed and fanned
     * out, then {@link #STATISTICS_FLUSH} more.
     */
    private void awaitGatewayIdle() throws SQLException, InterruptedException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "bench_observer", "bench_observer")) {
            while (true) {
                try (ResultSet left = connection.createStatement().executeQuery("SELECT (SELECT count(*) FROM"
                        + " kafka_outbox) + (SELECT count(*) FROM job_event WHERE feed_position IS NULL)"
                        + " + (SELECT count(*) FROM webhook_fan_out)")) {
                    left.next();
                    if (left.getLong(1) == 0) {
                        break;
                    }
                }
                Thread.sleep(100);
            }
        }
        Thread.sleep(STATISTICS_FLUSH.toMillis());
    }

    /**
     * Table statistics, as autovacuum keeps them in a database that has been running: the benchmark's database is
     * new, and until its tables are analyzed the plans that the gateway's prepared statements cached while the tables
     * were nearly empty stay in use (BENCH_PG_EXPLAIN=20 showed the fan-out's read of 32 jobs by id as a sequential
     * scan of 58,000 rows, 20-60 ms a pass). ANALYZE also makes PostgreSQL plan those statements again.
     */
    private void analyze() throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, GATEWAY_ROLE, GATEWAY_ROLE)) {
            connection.createStatement().execute("ANALYZE");
        }
    }

    private int maxConnections() throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "sxwl", "sxwl");
             ResultSet rows = connection.createStatement().executeQuery("SHOW max_connections")) {
            rows.next();
            return Integer.parseInt(rows.getString(1));
        }
    }

    /**
     * Callbacks for new jobs sent at a fixed rate for {@code runSeconds}; each one's latency runs from the moment it
     * was due to be sent to the moment a consumer of the topic got its event (keyed by the job id). The sender checks
     * what is due every millisecond, so its own wait is at most about that when it gets the CPU (its stalls are
     * printed). Beside the total, where the time went, from timestamps on one clock: due → sent (the sender), sent →
     * applied (the event's {@code time}, taken when the callback's writer applies it in its batch: HTTP, parsing and
     * the writer's queue; milliseconds), applied → record (the Kafka record's CreateTime, when the relay handed it to
     * the producer: the batch's commit, the relay's wake-up and batch), record → consumed (producer linger, acks=all,
     * the consumer's fetch); and the callback's 200 (due → answered). Each stage as p50 / p99, and its mean over the
     * slowest 1% of events: where the tail goes.
     */
    private void endToEnd(GatewayProcess gateway, KafkaProcess kafka, int rate, int runSeconds, boolean print)
            throws Exception {
        String prefix = "e2e-" + rate + "-" + System.nanoTime() + "-";
        int total = rate * runSeconds;
        Map<String, Integer> byJob = new ConcurrentHashMap<>();
        long[] dueAt = new long[total];
        long[] sentAt = new long[total];
        long[] answeredAt = new long[total];
        long[][] stages = new long[Stage.values().length][total];
        boolean[] consumed = new boolean[total];
        AtomicInteger received = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        // Wall-clock milliseconds (the event's time, the record's timestamp) to this JVM's nanoTime.
        long wallToNanos = System.nanoTime() - System.currentTimeMillis() * 1_000_000L;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC).stream()
                    .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve the end now, before anything is sent

            // Vert.x sends from its event loop on a pool of kept-alive connections: the sender is not the bottleneck.
            Vertx vertx = Vertx.vertx();
            HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
                    .setDefaultPort(gateway.httpPort), new PoolOptions().setHttp1MaxSize(256));
            long start = System.nanoTime() + 100_000_000;
            AtomicInteger sent = new AtomicInteger();
            vertx.setPeriodic(100, 1, timer -> {
                long due = (System.nanoTime() - start) * rate / 1_000_000_000L;
                while (sent.get() < Math.min(due + 1, total)) {
                    int i = sent.getAndIncrement();
                    String jobId = prefix + i;
                    dueAt[i] = start + i * 1_000_000_000L / rate;
                    byJob.put(jobId, i);
                    sentAt[i] = System.nanoTime();
                    http.request(HttpMethod.POST, "/callbacks/sxwl")
                            .compose(request -> request.putHeader("Content-Type", "application/json")
                                    .send("{\"status\":\"success\",\"jobId\":\"" + jobId + "\",\"url\":\"\"}"))
                            .onComplete(response -> {
                                if (response.failed() || response.result().statusCode() != 200) {
                                    failed.incrementAndGet();
                                } else {
                                    answeredAt[i] = System.nanoTime();
                                }
                            });
                }
                if (sent.get() >= total) {
                    vertx.cancelTimer(timer);
                }
            });

            long deadline = start + (seconds + 30) * 1_000_000_000L;
            while (received.get() + failed.get() < total && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(50))) {
                    long now = System.nanoTime();
                    Integer i = byJob.remove(record.key());
                    if (i == null) {
                        continue;
                    }
                    long takenAt = wallToNanos + Instant.parse(eventTime(record.value())).toEpochMilli() * 1_000_000L;
                    long relayedAt = wallToNanos + record.timestamp() * 1_000_000L;
                    stages[Stage.TOTAL.ordinal()][i] = now - dueAt[i];
                    stages[Stage.SENDER.ordinal()][i] = sentAt[i] - dueAt[i];
                    stages[Stage.TO_WRITER.ordinal()][i] = takenAt - sentAt[i];
                    stages[Stage.COMMITTED_AND_RELAYED.ordinal()][i] = relayedAt - takenAt;
                    stages[Stage.KAFKA.ordinal()][i] = now - relayedAt;
                    consumed[i] = true;
                    received.incrementAndGet();
                }
            }
            // Awaited: the answers' times are written on Vert.x's event loop and read below.
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
        if (!print) {
            return;
        }
        int[] got = IntStream.range(0, total).filter(i -> consumed[i]).toArray();
        for (int i : got) {
            stages[Stage.ANSWERED.ordinal()][i] = answeredAt[i] == 0 ? Long.MAX_VALUE : answeredAt[i] - dueAt[i];
        }
        long[] totals = Arrays.stream(got).mapToLong(i -> stages[Stage.TOTAL.ordinal()][i]).sorted().toArray();
        int[] slowest = Arrays.stream(got).boxed()
                .sorted((a, b) -> Long.compare(stages[Stage.TOTAL.ordinal()][b], stages[Stage.TOTAL.ordinal()][a]))
                .limit(Math.max(1, got.length / 100)).mapToInt(Integer::intValue).toArray();
        System.out.println(String.format("end to end at %,d/s: %,d of %,d events received, p50 %.1f ms, p99 %.1f ms,"
                        + " max %.1f ms; %d callbacks not answered 200", rate, got.length, total,
                percentile(totals, 50) / 1e6, percentile(totals, 99) / 1e6,
                totals.length == 0 ? 0 : totals[totals.length - 1] / 1e6, failed.get()));
        for (Stage stage : Stage.values()) {
            long[] values = Arrays.stream(got).mapToLong(i -> stages[stage.ordinal()][i])
                    .filter(v -> v != Long.MAX_VALUE).sorted().toArray();
            double tail = Arrays.stream(slowest).mapToLong(i -> stages[stage.ordinal()][i])
                    .filter(v -> v != Long.MAX_VALUE).average().orElse(0) / 1e6;
            System.out.println(String.format("    %-44s p50 %7.1f ms, p99 %7.1f ms; the slowest 1%%: %7.1f ms",
                    stage.label, percentile(values, 50) / 1e6, percentile(values, 99) / 1e6, tail));
        }
        // When the slowest 1% were due: spread over the run, or bunched (a stall; the run's first moments).
        long[] dueTenths = Arrays.stream(slowest).mapToLong(i -> (long) i * 10 / rate).sorted().toArray();
        System.out.println(String.format("    the slowest 1%% were due at %s s into the run (tenths, first to last)",
                Arrays.stream(dueTenths).distinct().mapToObj(t -> String.format("%.1f", t / 10.0))
                        .collect(Collectors.joining(", "))));
    }

    /** The stages of one event's way, as {@link #endToEnd} prints them. */
    private enum Stage {
        TOTAL("total (due → consumed)"),
        SENDER("the sender (due → sent)"),
        TO_WRITER("to its writer (sent → applied, ms clock)"),
        COMMITTED_AND_RELAYED("committed and relayed (applied → record)"),
        KAFKA("Kafka (record created → consumed)"),
        ANSWERED("the callback's 200 (due → answered)");

        private final String label;

        Stage(String label) {
            this.label = label;
        }
    }

    private static final Pattern EVENT_TIME = Pattern.compile("\"time\"\\s*:\\s*\"([^\"]+)\"");

    /** The CloudEvent's {@code time}: when the gateway took the callback. */
    private static String eventTime(String cloudEvent) {
        Matcher time = EVENT_TIME.matcher(cloudEvent);
        if (!time.find()) {
            throw new IllegalStateException("An event without a time: " + cloudEvent);
        }
        return time.group(1);
    }

    private static String perThread(Wrk run) {
        StringBuilder text = new StringBuilder();
        run.threadTicks.entrySet().stream().filter(e -> e.getValue() * 10.0 / run.requests >= 0.01)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> text.append(String.format("%s %.2f; ", e.getKey(), e.getValue() * 10.0 / run.requests)));
        return text.toString();
    }

    private static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)];
    }

    private void print(String name, Wrk run) {
        System.out.printf("%-28s %11.0f %9.1f %9.1f %9.1f %8d %11.2f %9.2f%n", name, run.perSecond(),
                run.p50 / 1000.0, run.p99 / 1000.0, run.p999 / 1000.0, run.non2xx, run.cpuMillisPerRequest,
                run.generatorCores);
    }

    /** utime + stime of a process, in clock ticks (1/100 s); 0 for pid 0 (the embedded build's broker: the gateway). */
    private static long cpuTicks(long pid) throws IOException {
        return pid == 0 ? 0 : ticks(Files.readString(Path.of("/proc/" + pid + "/stat")));
    }

    /** utime + stime from a /proc/.../stat line (fields 14 and 15, counted after the parenthesized name). */
    private static long ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** The whole machine's ticks since boot: {all, idle}. */
    private static long[] machineTicks() throws IOException {
        String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long all = 0;
        for (int i = 1; i < cpu.length; i++) {
            all += Long.parseLong(cpu[i]);
        }
        return new long[] {all, Long.parseLong(cpu[4]) + Long.parseLong(cpu[5])};
    }

    /** CPU ticks per kind of thread (the thread's name with its numbers left out). */
    private static Map<String, Long> threadTicks(long pid) throws IOException {
        Map<String, Long> ticks = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the thread ended
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("\\d+", "N");
                ticks.merge(name, ticks(stat), Long::sum);
            }
        }
        return ticks;
    }

    /** VmHWM (peak RSS) and VmRSS, in kB. */
    private static Map<String, Long> memory(long pid) throws IOException {
        Map<String, Long> values = new HashMap<>();
        for (String status : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            String[] parts = status.split("\\s+");
            if (parts[0].equals("VmHWM:") || parts[0].equals("VmRSS:")) {
                values.put(parts[0].substring(0, parts[0].length() - 1), Long.parseLong(parts[1]));
            }
        }
        return values;
    }

    private static String output(Process process) throws IOException, InterruptedException {
        String out = new String(process.getInputStream().readAllBytes());
        process.waitFor();
        return out;
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    }

    private interface Load<T> {
        T run() throws Exception;
    }

    /** A load's result, and PostgreSQL's work while it ran (null when not measured). */
    private record Measured<T>(T result, PostgresWork.Work work) {}

    /** One wrk run: latencies in microseconds. */
    private record Wrk(long requests, long micros, long p50, long p99, long p999, long non2xx,
                       double cpuMillisPerRequest, double generatorCores, Map<String, Long> threadTicks,
                       String machineSplit) {
        double perSecond() {
            return requests / (micros / 1e6);
        }
    }
}
