package ai.sxwl.gateway.release;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every migration after V6 (release 0.5.0's last) is online-safe: squawk 2.66.0 finds nothing in it with the
 * project's .squawk.toml, and the rules squawk does not check hold too: each PostgreSQL script starts with its
 * lock_timeout and statement_timeout, a {@code CREATE INDEX CONCURRENTLY} stands alone in its script, no UPDATE or
 * DELETE runs without a WHERE (backfills run in batches in the application), new scripts live in db/vendor with an H2
 * twin, and .squawk.toml exempts only the scripts of V6 and before.
 */
class MigrationRulesTest {

    static final int LAST_EXEMPT_VERSION = 6;
    private static final String SQUAWK_VERSION = "2.66.0";
    private static final Path CONFIG = Path.of(".squawk.toml");
    private static final Path PORTABLE = Path.of("src/main/resources/db/migration");
    private static final Path POSTGRES = Path.of("src/main/resources/db/vendor/postgresql");
    private static final Path H2 = Path.of("src/main/resources/db/vendor/h2");
    private static final Pattern VERSION = Pattern.compile("V(\\d+)(?:[._](\\d+))*__.+\\.sql");
    private static final Pattern CONCURRENT_INDEX = Pattern.compile("(?i)\\bINDEX\\s+CONCURRENTLY\\b");

    @Test
    void squawkFindsNothingInTheMigrationsAfterV6() throws Exception {
        String squawk = squawk();
        List<String> exempted = excludedPaths();
        List<Path> scripts = Stream.concat(scripts(PORTABLE).stream(), scripts(POSTGRES).stream())
                .filter(script -> !exempted.contains(script.toString())).toList();
        List<String> transactional = new ArrayList<>();
        List<String> concurrent = new ArrayList<>();
        for (Path script : scripts) {
            (CONCURRENT_INDEX.matcher(Files.readString(script)).find() ? concurrent : transactional)
                    .add(script.toString());
        }
        String findings = run(squawk, transactional, List.of())
                + run(squawk, concurrent, List.of("--no-assume-in-transaction"));
        assertEquals("", findings, "squawk's findings in the migrations (rules: README, Upgrades)");
    }

    @Test
    void newScriptsFollowTheRulesSquawkDoesNotCheck() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path script : scripts(PORTABLE)) {
            if (major(script) > LAST_EXEMPT_VERSION) {
                broken.add(script + ": new migrations go to db/vendor/postgresql and db/vendor/h2");
            }
        }
        for (Path script : scripts(POSTGRES)) {
            if (major(script) <= LAST_EXEMPT_VERSION) {
                continue;
            }
            List<String> statements = statements(Files.readString(script));
            if (statements.size() < 2 || !statements.get(0).matches("(?is)SET\\s+lock_timeout\\b.*")
                    || !statements.get(1).matches("(?is)SET\\s+statement_timeout\\b.*")) {
                broken.add(script + ": starts with SET lock_timeout = '…'; SET statement_timeout = '…';");
            }
            long work = statements.stream().filter(s -> !s.matches("(?is)SET\\s.*")).count();
            if (statements.stream().anyMatch(s -> CONCURRENT_INDEX.matcher(s).find()) && work != 1) {
                broken.add(script + ": CREATE INDEX CONCURRENTLY stands alone in its script (it cannot run in a"
                        + " transaction, and a failure must leave nothing else half done)");
            }
            for (String statement : statements) {
                if (statement.matches("(?is)(UPDATE|DELETE\\s+FROM)\\s.*")
                        && !statement.matches("(?is).*\\bWHERE\\b.*")) {
                    broken.add(script + ": no full-table UPDATE or DELETE (backfill in batches after startup): "
                            + statement);
                }
            }
            if (!Files.exists(H2.resolve(script.getFileName()))) {
                broken.add(script + ": has no H2 twin " + H2.resolve(script.getFileName()));
            }
        }
        assertEquals(List.of(), broken);
    }

    @Test
    void onlyTheScriptsOfV6AndBeforeAreExempted() throws IOException {
        List<String> exempted = excludedPaths();
        assertTrue(!exempted.isEmpty(), ".squawk.toml lists the exempted scripts");
        for (String path : exempted) {
            Path script = Path.of(path);
            assertTrue(Files.exists(script), "the exempted script exists: " + path);
            assertTrue(major(script) <= LAST_EXEMPT_VERSION, "only scripts of V" + LAST_EXEMPT_VERSION
                    + " and before may be exempted from squawk, not " + path);
        }
    }

    private static String squawk() throws Exception {
        Path local = Path.of(".tools/node_modules/.bin/squawk");
        String squawk = Files.isExecutable(local) ? local.toString() : "squawk";
        String version;
        try {
            version = output(new ProcessBuilder(squawk, "--version"));
        } catch (IOException e) {
            return fail("squawk (npm squawk-cli " + SQUAWK_VERSION + ") is not installed: run scripts/test-setup.sh,"
                    + " which installs it into .tools/ (" + e.getMessage() + ")");
        }
        assertEquals("squawk " + SQUAWK_VERSION, version.trim(), "the squawk that scripts/test-setup.sh installs");
        return squawk;
    }

    /** squawk's findings in these files (gcc format, one per line), or "" when it finds nothing. */
    private static String run(String squawk, List<String> files, List<String> options) throws Exception {
        if (files.isEmpty()) {
            return "";
        }
        List<String> command = new ArrayList<>(List.of(squawk, "--config", CONFIG.toString(), "--reporter", "gcc",
                "--no-error-on-unmatched-pattern"));
        command.addAll(options);
        command.addAll(files);
        // With no file left to check, squawk would read SQL from its standard input.
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "squawk finished");
        return process.exitValue() == 0 ? "" : "squawk exited with " + process.exitValue() + ":\n" + output;
    }

    private static String output(ProcessBuilder builder) throws IOException, InterruptedException {
        Process process = builder.redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(30, TimeUnit.SECONDS);
        return output;
    }

    private static List<String> excludedPaths() throws IOException {
        Matcher list = Pattern.compile("(?s)excluded_paths\\s*=\\s*\\[(.*?)]").matcher(Files.readString(CONFIG));
        if (!list.find()) {
            return List.of();
        }
        return Arrays.stream(list.group(1).split("\n")).map(String::trim).filter(line -> line.startsWith("\""))
                .map(line -> line.substring(1, line.indexOf('"', 1))).toList();
    }

    private static List<Path> scripts(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".sql")).sorted().toList();
        }
    }

    static int major(Path script) {
        Matcher version = VERSION.matcher(script.getFileName().toString());
        assertTrue(version.matches(), "a Flyway versioned script name: " + script);
        return Integer.parseInt(version.group(1));
    }

    /** The script's statements without comments, trimmed, split at semicolons (the scripts hold no function bodies). */
    static List<String> statements(String sql) {
        String withoutComments = sql.replaceAll("(?m)--.*$", "").replaceAll("(?s)/\\*.*?\\*/", "");
        return Arrays.stream(withoutComments.split(";")).map(s -> s.trim().replaceAll("\\s+", " "))
                .filter(s -> !s.isEmpty()).toList();
    }
}
