package ai.sxwl.gateway.deploy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * docker/compose.yaml is a valid Compose file: it passes the Compose Specification's schema (the one {@code docker
 * compose config} validates against) and dclint's rules that find mistakes (docker/dclint.yaml). There is no compose
 * plugin for the machine's docker client, so {@code docker compose config} itself cannot run here; dclint 3.1.0 comes
 * from npm into .tools/ (scripts/test-setup.sh).
 */
class ComposeFileSchemaTest {

    private static final Path COMPOSE = Path.of("docker/compose.yaml");
    private static final Path DCLINT = Path.of(".tools/node_modules/.bin/dclint");
    private static final String DCLINT_VERSION = "3.1.0";

    @BeforeAll
    static void dclintIsTheOneTestSetupInstalls() {
        if (!Files.isExecutable(DCLINT)) {
            fail("dclint is not installed: run scripts/test-setup.sh, which installs it into .tools/");
        }
        assertEquals(DCLINT_VERSION, dclint("--version").output().trim(), "as scripts/test-setup.sh installs it");
    }

    @Test
    void theComposeFilePassesTheComposeSpecification() {
        Result result = dclint(COMPOSE.toString());
        assertEquals(0, result.exitCode(), result.output());
    }

    @Test
    void aComposeFileWithAKeyTheSpecificationDoesNotKnowIsRefused() throws IOException {
        String compose = Files.readString(COMPOSE);
        assertTrue(compose.contains("    mem_limit: "), "the postgres service has a memory limit to misspell");
        Path misspelt = Path.of("target/compose-misspelt.yaml");
        Files.createDirectories(misspelt.getParent());
        Files.writeString(misspelt, compose.replaceFirst("    mem_limit: ", "    mem_limits: "));
        Result result = dclint(misspelt.toString());
        assertEquals(1, result.exitCode(), result.output());
        assertTrue(result.output().contains("instancePath=\"/services/postgres\"")
                && result.output().contains("must NOT have additional properties")
                && result.output().contains("invalid-schema"), result.output());
    }

    private record Result(int exitCode, String output) {
    }

    private static Result dclint(String argument) {
        try {
            Process dclint = new ProcessBuilder(DCLINT.toString(), "--color=false", "-c", "docker/dclint.yaml", argument)
                    .redirectErrorStream(true).start();
            String output = new String(dclint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(dclint.waitFor(60, TimeUnit.SECONDS), "dclint finishes");
            return new Result(dclint.exitValue(), output);
        } catch (IOException | InterruptedException e) {
            return fail("dclint: " + e);
        }
    }
}
