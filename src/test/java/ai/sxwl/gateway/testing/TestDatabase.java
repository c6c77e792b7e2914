package ai.sxwl.gateway.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A PostgreSQL database of this test JVM's own, on the local cluster (scripts/test-db.sh gives role {@code sxwl} the
 * right to create databases), so that two runs of the suite on one machine never share or clean each other's data.
 * Its name carries the JVM's pid: the test set-up drops the databases of JVMs that are gone (a killed run leaves one).
 */
public final class TestDatabase {

    public static final String HOST = "127.0.0.1";
    public static final int PORT = 5432;
    public static final String USER = "sxwl";
    public static final String PASSWORD = "sxwl";

    private TestDatabase() {
    }

    /** Creates an empty database named {@code <prefix>_<pid>_<random>} and drops it when the JVM exits. */
    public static String create(String prefix) {
        String name = prefix + "_" + ProcessHandle.current().pid() + "_"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000000, Integer.MAX_VALUE));
        admin("CREATE DATABASE " + name);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (RuntimeException ignored) {
                // test-db.sh drops what a JVM could not
            }
        }));
        return name;
    }

    public static String jdbcUrl(String database) {
        return jdbcUrl(PORT, database);
    }

    public static String jdbcUrl(int port, String database) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + database;
    }

    private static void admin(String sql) {
        try (Connection db = DriverManager.getConnection(jdbcUrl("postgres"), USER, PASSWORD);
             Statement statement = db.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage()
                    + " (scripts/test-db.sh prepares the local PostgreSQL for the tests)", e);
        }
    }
}
