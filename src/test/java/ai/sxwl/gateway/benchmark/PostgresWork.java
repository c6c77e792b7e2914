package ai.sxwl.gateway.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What PostgreSQL did for one role between two snapshots of the ingest benchmark's own cluster (scripts/bench-ingest.sh
 * starts it with pg_stat_statements loaded, and nothing else uses it): the statements the role ran, the rows written
 * to the tables it owns and the index entries that took, and, for the whole cluster, the WAL written and the CPU its
 * processes used. The gateway (role sxwl) and pgbench (role bench_pgbench) are measured each in a window of its own,
 * and this class reads the counters as role bench_observer, so that its own queries count for neither.
 */
final class PostgresWork {

    /** /proc/[pid]/stat counts CPU time in clock ticks of 1/100 s (USER_HZ on Linux). */
    private static final double MILLIS_PER_TICK = 10;
    /** The processes that write WAL out and dirty pages back, for the backends of every session. */
    private static final List<String> BACKGROUND_PROCESSES = List.of("walwriter", "checkpointer", "background writer");
    private static final int TOP_BY_CALLS = 14;
    /** Few statements run rarely but long (a batch's): the list by time shows them. */
    private static final int TOP_BY_TIME = 5;

    private final String jdbcUrl;
    private final long postmasterPid;

    PostgresWork(String jdbcUrl, long postmasterPid) {
        this.jdbcUrl = jdbcUrl;
        this.postmasterPid = postmasterPid;
    }

    /** One statement as pg_stat_statements counts it, per role: calls, execution time and WAL bytes so far. */
    record StatementCount(String role, long queryId, String query, long calls, double executionMillis,
                          long walBytes) {}

    /** One table's row counters so far (pg_stat_user_tables), with its owner and its indexes. */
    record TableCount(String owner, String table, long inserted, long updated, long hotUpdated, long deleted,
                      int indexes, int ginIndexes) {

        long rowsWritten() {
            return inserted + updated + deleted;
        }

        /** Each inserted row and each update that is not HOT writes one entry into every index of the table. */
        long indexEntries() {
            return (inserted + updated - hotUpdated) * indexes;
        }
    }

    /**
     * One index so far (pg_stat_user_indexes): the scans that used it and its size on disk. PostgreSQL 15 counts no
     * index inserts, but an index's growth over many thousand callbacks is what they cost it in pages (a GIN index's
     * pending list included); a partial index takes entries only for the rows its predicate holds for.
     */
    record IndexCount(String owner, String table, String index, String method, boolean partial, long scans,
                      long bytes) {}

    /** The cluster's counters at one moment; transactions are the database's, committed or rolled back. */
    record Snapshot(Map<String, StatementCount> statements, Map<String, TableCount> tables,
                    Map<String, IndexCount> indexes, long transactions, long walPosition, long walRecords,
                    long walFullPageImages, long cpuTicks, long backgroundTicks) {}

    /**
     * One role's work between two snapshots, and how many units it did (rows inserted into its unit table: a stored
     * callback leaves one callback receipt, a pgbench transaction one bench_insert row). WAL and CPU are the whole
     * cluster's, and transactions the whole database's: a window is measured while the other side is idle.
     */
    record Work(long units, List<StatementCount> statements, List<TableCount> tables, List<IndexCount> indexes,
                long transactions, long walBytes, long walRecords, long walFullPageImages, long cpuTicks,
                long backgroundTicks) {

        double perUnit(double total) {
            return units == 0 ? 0 : total / units;
        }

        long statementCalls() {
            return statements.stream().mapToLong(StatementCount::calls).sum();
        }

        double executionMillis() {
            return statements.stream().mapToDouble(StatementCount::executionMillis).sum();
        }

        long rowsWritten() {
            return tables.stream().mapToLong(TableCount::rowsWritten).sum();
        }

        long indexEntries() {
            return tables.stream().mapToLong(TableCount::indexEntries).sum();
        }
    }

    /**
     * A CHECKPOINT, so that a window starts where the previous one did in the checkpoint cycle: the first change of a
     * page after a checkpoint writes the whole page to WAL.
     */
    void checkpoint() throws SQLException {
        try (Connection connection = observer(); Statement statement = connection.createStatement()) {
            statement.execute("CHECKPOINT");
        }
    }

    Snapshot snapshot() throws SQLException, IOException {
        try (Connection connection = observer(); Statement statement = connection.createStatement()) {
            Map<String, StatementCount> statements = new HashMap<>();
            try (ResultSet rows = statement.executeQuery("SELECT r.rolname, s.queryid, s.query, s.calls,"
                    + " s.total_exec_time, s.wal_bytes FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid"
                    + " WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
                while (rows.next()) {
                    StatementCount count = new StatementCount(rows.getString(1), rows.getLong(2), rows.getString(3),
                            rows.getLong(4), rows.getDouble(5), rows.getLong(6));
                    statements.put(count.role() + " " + count.queryId(), count);
                }
            }
            Map<String, TableCount> tables = new HashMap<>();
            try (ResultSet rows = statement.executeQuery("SELECT r.rolname, t.relname, t.n_tup_ins, t.n_tup_upd,"
                    + " t.n_tup_hot_upd, t.n_tup_del,"
                    + " (SELECT count(*) FROM pg_index i WHERE i.indrelid = t.relid),"
                    + " (SELECT count(*) FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid"
                    + "   JOIN pg_am a ON a.oid = ic.relam WHERE i.indrelid = t.relid AND a.amname = 'gin')"
                    + " FROM pg_stat_user_tables t JOIN pg_class c ON c.oid = t.relid"
                    + " JOIN pg_roles r ON r.oid = c.relowner")) {
                while (rows.next()) {
                    tables.put(rows.getString(2), new TableCount(rows.getString(1), rows.getString(2), rows.getLong(3),
                            rows.getLong(4), rows.getLong(5), rows.getLong(6), rows.getInt(7), rows.getInt(8)));
                }
            }
            Map<String, IndexCount> indexes = new HashMap<>();
            try (ResultSet rows = statement.executeQuery("SELECT r.rolname, s.relname, s.indexrelname, a.amname,"
                    + " i.indpred IS NOT NULL, s.idx_scan, pg_relation_size(s.indexrelid)"
                    + " FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid"
                    + " JOIN pg_class ic ON ic.oid = s.indexrelid JOIN pg_am a ON a.oid = ic.relam"
                    + " JOIN pg_class c ON c.oid = s.relid JOIN pg_roles r ON r.oid = c.relowner")) {
                while (rows.next()) {
                    indexes.put(rows.getString(3), new IndexCount(rows.getString(1), rows.getString(2),
                            rows.getString(3), rows.getString(4), rows.getBoolean(5), rows.getLong(6),
                            rows.getLong(7)));
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT d.xact_commit + d.xact_rollback,"
                    + " pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0'), w.wal_records, w.wal_fpi"
                    + " FROM pg_stat_database d, pg_stat_wal w WHERE d.datname = current_database()")) {
                rows.next();
                return new Snapshot(statements, tables, indexes, rows.getLong(1), rows.getLong(2), rows.getLong(3),
                        rows.getLong(4), cpuTicks(), backgroundTicks());
            }
        }
    }

    /** The role's work from {@code before} to {@code after}; units are the rows inserted into {@code unitTable}. */
    static Work between(Snapshot before, Snapshot after, String role, String unitTable) {
        List<StatementCount> statements = new ArrayList<>();
        after.statements().forEach((key, now) -> {
            StatementCount then = before.statements().get(key);
            long calls = now.calls() - (then == null ? 0 : then.calls());
            if (now.role().equals(role) && calls > 0) {
                statements.add(new StatementCount(role, now.queryId(), now.query(), calls,
                        now.executionMillis() - (then == null ? 0 : then.executionMillis()),
                        now.walBytes() - (then == null ? 0 : then.walBytes())));
            }
        });
        countEveryCommit(statements, role);
        statements.sort(Comparator.comparingLong(StatementCount::calls)
                .thenComparingDouble(StatementCount::executionMillis).reversed());
        List<TableCount> tables = new ArrayList<>();
        after.tables().forEach((name, now) -> {
            TableCount then = before.tables().getOrDefault(name,
                    new TableCount(now.owner(), name, 0, 0, 0, 0, now.indexes(), now.ginIndexes()));
            TableCount delta = new TableCount(now.owner(), name, now.inserted() - then.inserted(),
                    now.updated() - then.updated(), now.hotUpdated() - then.hotUpdated(),
                    now.deleted() - then.deleted(), now.indexes(), now.ginIndexes());
            if (now.owner().equals(role) && delta.rowsWritten() > 0) {
                tables.add(delta);
            }
        });
        tables.sort(Comparator.comparingLong(TableCount::indexEntries).reversed().thenComparing(TableCount::table));
        List<IndexCount> indexes = new ArrayList<>();
        after.indexes().forEach((name, now) -> {
            IndexCount then = before.indexes().get(name);
            if (now.owner().equals(role) && tables.stream().anyMatch(t -> t.table().equals(now.table()))) {
                indexes.add(new IndexCount(now.owner(), now.table(), name, now.method(), now.partial(),
                        now.scans() - (then == null ? 0 : then.scans()), now.bytes() - (then == null ? 0 : then.bytes())));
            }
        });
        indexes.sort(Comparator.comparing(IndexCount::table).thenComparing(Comparator.comparingLong(IndexCount::bytes)
                .reversed()));
        long units = tables.stream().filter(t -> t.table().equals(unitTable)).mapToLong(TableCount::inserted).sum();
        return new Work(units, statements, tables, indexes, after.transactions() - before.transactions(),
                after.walPosition() - before.walPosition(),
                after.walRecords() - before.walRecords(), after.walFullPageImages() - before.walFullPageImages(),
                after.cpuTicks() - before.cpuTicks(), after.backgroundTicks() - before.backgroundTicks());
    }

    /**
     * pgjdbc opens a transaction with BEGIN, a plain statement, and ends it with COMMIT, a prepared statement that it
     * parses once per connection; pg_stat_statements counts a prepared utility statement only when it is parsed, so
     * it sees one COMMIT per connection. Every BEGIN that did not end in ROLLBACK ended in a COMMIT: count those
     * (a ROLLBACK is missed the same way, but the benchmark's transactions do not roll back; the transactions row
     * of the table, from pg_stat_database, checks this).
     */
    private static void countEveryCommit(List<StatementCount> statements, String role) {
        long begins = calls(statements, "BEGIN");
        long commitsSeen = calls(statements, "COMMIT");
        long commits = begins - calls(statements, "ROLLBACK");
        if (commits > commitsSeen) {
            double millis = statements.stream().filter(s -> s.query().equalsIgnoreCase("COMMIT"))
                    .mapToDouble(StatementCount::executionMillis).sum();
            long wal = statements.stream().filter(s -> s.query().equalsIgnoreCase("COMMIT"))
                    .mapToLong(StatementCount::walBytes).sum();
            statements.removeIf(s -> s.query().equalsIgnoreCase("COMMIT"));
            statements.add(new StatementCount(role, 0, "COMMIT (counted as one per BEGIN)", commits, millis, wal));
        }
    }

    private static long calls(List<StatementCount> statements, String query) {
        return statements.stream().filter(s -> s.query().equalsIgnoreCase(query)).mapToLong(StatementCount::calls)
                .sum();
    }

    /** The two sides in one table, one row per figure, then where the callbacks' work went. */
    static void print(String title, Work callbacks, Work inserts, String callbackTable) {
        System.out.printf("%n%s%n", title);
        System.out.printf("  %-48s %14s %14s %16s%n", "", "per callback", "per insert", "callback/insert");
        row("statements (pg_stat_statements calls)", callbacks.perUnit(callbacks.statementCalls()),
                inserts.perUnit(inserts.statementCalls()), "%.2f");
        row("transactions (pg_stat_database)", callbacks.perUnit(callbacks.transactions()),
                inserts.perUnit(inserts.transactions()), "%.2f");
        row("rows written (inserted + updated + deleted)", callbacks.perUnit(callbacks.rowsWritten()),
                inserts.perUnit(inserts.rowsWritten()), "%.2f");
        row("WAL bytes", callbacks.perUnit(callbacks.walBytes()), inserts.perUnit(inserts.walBytes()), "%,.0f");
        detail("WAL records", callbacks.perUnit(callbacks.walRecords()), inserts.perUnit(inserts.walRecords()),
                "%.2f");
        detail("of them full-page images", callbacks.perUnit(callbacks.walFullPageImages()),
                inserts.perUnit(inserts.walFullPageImages()), "%.2f");
        row("index entries (estimate, see below)", callbacks.perUnit(callbacks.indexEntries()),
                inserts.perUnit(inserts.indexEntries()), "%.1f");
        row("PG CPU ms (/proc: the cluster's processes)", callbacks.perUnit(callbacks.cpuTicks() * MILLIS_PER_TICK),
                inserts.perUnit(inserts.cpuTicks() * MILLIS_PER_TICK), "%.3f");
        detail("of it WAL writer, checkpointer, bg writer",
                callbacks.perUnit(callbacks.backgroundTicks() * MILLIS_PER_TICK),
                inserts.perUnit(inserts.backgroundTicks() * MILLIS_PER_TICK), "%.3f");
        row("statement time ms (pg_stat_statements, wall)", callbacks.perUnit(callbacks.executionMillis()),
                inserts.perUnit(inserts.executionMillis()), "%.3f");

        System.out.printf("  callbacks stored: %,d (callback receipts inserted); pgbench inserts: %,d%n",
                callbacks.units(), inserts.units());
        callbacks.tables().stream().filter(t -> t.table().equals(callbackTable)).findFirst().ifPresent(job ->
                System.out.printf("  %s table: %.2f updates per callback, HOT share n_tup_hot_upd / n_tup_upd = %.2f%n",
                        callbackTable, callbacks.perUnit(job.updated()),
                        job.updated() == 0 ? 0 : job.hotUpdated() / (double) job.updated()));
        System.out.println("  per callback, by table: inserted / updated (HOT) / deleted x indexes = index entries");
        for (TableCount table : callbacks.tables()) {
            System.out.printf("    %-20s %5.2f / %5.2f (%4.2f) / %5.2f x %2d%-8s = %5.1f%n", table.table(),
                    callbacks.perUnit(table.inserted()), callbacks.perUnit(table.updated()),
                    callbacks.perUnit(table.hotUpdated()), callbacks.perUnit(table.deleted()), table.indexes(),
                    table.ginIndexes() == 0 ? "" : " (" + table.ginIndexes() + " GIN)",
                    callbacks.perUnit(table.indexEntries()));
        }
        System.out.println("    (one entry per index and row; a GIN index takes one entry per key of the row,"
                + " for a trigram index tens; a partial index is counted as if it took every row)");
        System.out.println("  per callback, by index of those tables: bytes the index grew, scans that used it");
        for (IndexCount index : callbacks.indexes()) {
            System.out.printf("    %-20s %-34s %7.1f B %6.3f scans  %s%s%n", index.table(), index.index(),
                    callbacks.perUnit(index.bytes()), callbacks.perUnit(index.scans()), index.method(),
                    index.partial() ? ", partial" : "");
        }
        System.out.println("  per callback, the statements by calls: calls, ms executing, WAL bytes, statement");
        callbacks.statements().stream().limit(TOP_BY_CALLS).forEach(s -> printStatement(callbacks, s));
        List<StatementCount> others = callbacks.statements().stream().skip(TOP_BY_CALLS).toList();
        if (!others.isEmpty()) {
            System.out.printf("    %5.2f %6.3f %6.0f  %d other statements%n",
                    callbacks.perUnit(others.stream().mapToLong(StatementCount::calls).sum()),
                    callbacks.perUnit(others.stream().mapToDouble(StatementCount::executionMillis).sum()),
                    callbacks.perUnit(others.stream().mapToLong(StatementCount::walBytes).sum()), others.size());
        }
        System.out.println("  per callback, the statements by execution time:");
        callbacks.statements().stream()
                .sorted(Comparator.comparingDouble(StatementCount::executionMillis).reversed())
                .limit(TOP_BY_TIME).forEach(s -> printStatement(callbacks, s));
        System.out.println("  per callback, the statements by WAL bytes (full-page images included; the cluster's"
                + " WAL also holds commit records and other sessions' writes):");
        callbacks.statements().stream()
                .sorted(Comparator.comparingLong(StatementCount::walBytes).reversed())
                .limit(TOP_BY_TIME).forEach(s -> printStatement(callbacks, s));
        System.out.println("  per pgbench insert, the statements: "
                + String.join("; ", inserts.statements().stream().map(s -> String.format("%.2f %s",
                inserts.perUnit(s.calls()), shortened(s.query()))).toList()));
    }

    private static void printStatement(Work work, StatementCount statement) {
        System.out.printf("    %5.2f %6.3f %6.0f  %s%n", work.perUnit(statement.calls()),
                work.perUnit(statement.executionMillis()), work.perUnit(statement.walBytes()),
                shortened(statement.query()));
    }

    private static void row(String figure, double callback, double insert, String format) {
        System.out.printf("  %-48s %14s %14s %16s%n", figure, String.format(format, callback),
                String.format(format, insert), insert == 0 ? "" : String.format("%.1f", callback / insert));
    }

    /** A row that breaks the one above down: no ratio, which would divide small and noisy numbers. */
    private static void detail(String figure, double callback, double insert, String format) {
        System.out.printf("    %-46s %14s %14s%n", figure, String.format(format, callback),
                String.format(format, insert));
    }

    /** A statement on one line, its column lists elided: which statement it is shows in the first 110 characters. */
    static String shortened(String query) {
        String line = query.replaceAll("\\s+", " ").trim()
                .replaceAll("(?i)^select .+? from ", "select … from ")
                .replaceAll("\\(([^()]{40,})\\)", "(…)");
        return line.length() <= 110 ? line : line.substring(0, 109) + "…";
    }

    private Connection observer() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, "bench_observer", "bench_observer");
    }

    /**
     * CPU ticks of the whole cluster: the postmaster, its live children (backends and background processes), and the
     * children it has reaped (cutime + cstime), so that a backend whose session ended between two snapshots, as
     * pgbench's do, still counts.
     */
    long cpuTicks() throws IOException {
        String[] postmaster = statFields(postmasterPid);
        long ticks = 0;
        for (int field = 11; field <= 14; field++) { // utime, stime, cutime, cstime
            ticks += Long.parseLong(postmaster[field]);
        }
        for (long child : children()) {
            ticks += ownTicks(child);
        }
        return ticks;
    }

    private long backgroundTicks() throws IOException {
        long ticks = 0;
        for (long child : children()) {
            String title = Files.readString(Path.of("/proc/" + child + "/cmdline")).replace('\0', ' ');
            if (BACKGROUND_PROCESSES.stream().anyMatch(title::contains)) {
                ticks += ownTicks(child);
            }
        }
        return ticks;
    }

    private List<Long> children() throws IOException {
        List<Long> children = new ArrayList<>();
        try (var processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                long pid = Long.parseLong(process.getFileName().toString());
                try {
                    if (Long.parseLong(statFields(pid)[1]) == postmasterPid) {
                        children.add(pid);
                    }
                } catch (IOException gone) {
                    // the process ended
                }
            }
        }
        return children;
    }

    private static long ownTicks(long pid) {
        try {
            String[] fields = statFields(pid);
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
        } catch (IOException gone) {
            return 0; // the session ended: its ticks are the postmaster's cutime + cstime now
        }
    }

    /** /proc/[pid]/stat from the field after the parenthesized name on: index 0 is the state, 1 the parent's pid. */
    private static String[] statFields(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }
}
