package ai.sxwl.gateway.testing;

import io.quarkus.hibernate.orm.PersistenceUnitExtension;
import org.hibernate.resource.jdbc.spi.StatementInspector;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts the SELECTs Hibernate sends per table they read from first, so that a test can catch N+1 queries. */
@PersistenceUnitExtension
public class SqlStatements implements StatementInspector {

    private static final Map<String, AtomicLong> SELECTS_FROM = new ConcurrentHashMap<>();

    @Override
    public String inspect(String sql) {
        String lower = sql.toLowerCase(Locale.ROOT).trim();
        int from = lower.indexOf(" from ");
        if (lower.startsWith("select") && from > 0) {
            String table = lower.substring(from + 6).trim().split("[\\s,()]+")[0];
            SELECTS_FROM.computeIfAbsent(table, t -> new AtomicLong()).incrementAndGet();
        }
        return sql;
    }

    /** SELECTs so far whose first FROM names {@code table}. */
    public static long selectsFrom(String table) {
        return SELECTS_FROM.getOrDefault(table, new AtomicLong()).get();
    }
}
