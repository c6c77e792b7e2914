package ai.sxwl.gateway.release;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The running release reports the pom's version, which CHANGELOG.md names; the start-up check accepts the schema this
 * release migrated and refuses one whose floor a later release's contract migration raised.
 */
@QuarkusTest
class ReleaseTest {

    @Inject
    Release release;

    @Inject
    Flyway flyway;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void theVersionOfThePomIsVisibleAtRuntimeAndInTheChangelog() throws Exception {
        Matcher pom = Pattern.compile("<artifactId>sxwl-gateway</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(pom.find());
        String version = pom.group(1);
        given().get("/q/metrics").then().statusCode(200).body(containsString(
                "gateway_build_info{generation=\"" + Release.GENERATION + "\",version=\"" + version + "\"} 1.0"));
        String changelog = Files.readString(Path.of("CHANGELOG.md"));
        assertTrue(changelog.contains("## [Unreleased]") && changelog.contains("Version in the pom: " + version)
                        || changelog.contains("## [" + version + "]"),
                "CHANGELOG.md names " + version + " (as the Unreleased section's version, or as a release)");
        assertTrue(changelog.contains("## [0.5.0]") && changelog.contains("d5d15de"),
                "the previous release and its commit");
    }

    @Test
    void aSchemaWhoseFloorIsAboveThisReleasesGenerationIsRefused() throws Exception {
        assertDoesNotThrow(() -> release.check(null, flyway, dataSource));
        setFloor(Release.GENERATION + 1);
        try {
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> release.check(null, flyway, dataSource));
            assertTrue(refused.getMessage().contains("needs generation " + (Release.GENERATION + 1)),
                    refused.getMessage());
        } finally {
            setFloor(1);
        }
    }

    private void setFloor(int generation) throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE schema_floor SET oldest_generation = " + generation + " WHERE id = 1");
        }
    }
}
