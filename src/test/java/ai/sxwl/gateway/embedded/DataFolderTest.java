package ai.sxwl.gateway.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The data folder is its owner's alone: the folder and its folders 0700, its files 0600 (issue 18, break 7). */
class DataFolderTest {

    @TempDir
    Path parent;

    @Test
    void onStartTheFolderAndEverythingInItIsTheOwnersAlone() throws Exception {
        Path root = parent.resolve("data");
        // As H2 and the broker leave them under a 022 umask, and as an older gateway left the api key file.
        Files.createDirectories(root.resolve("kafka/gateway.job-events-0"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String file : List.of("gateway.mv.db", "api-key-default", "kafka/meta.properties",
                "kafka/gateway.job-events-0/00000000000000000000.log")) {
            Files.writeString(root.resolve(file), "x");
            Files.setPosixFilePermissions(root.resolve(file), PosixFilePermissions.fromString("rw-r--r--"));
        }

        DataFolder folder = new DataFolder(root, true);
        folder.restrictOnStart(null);
        folder.secret("callback-secret", 32);

        for (String dir : List.of("", "kafka", "kafka/gateway.job-events-0")) {
            assertEquals("rwx------", permissions(root.resolve(dir)), "folder " + dir);
        }
        for (String file : List.of("gateway.mv.db", "api-key-default", "callback-secret", "kafka/meta.properties",
                "kafka/gateway.job-events-0/00000000000000000000.log")) {
            assertEquals("rw-------", permissions(root.resolve(file)), file);
        }
    }

    @Test
    void aFolderThatDoesNotExistYetIsCreatedForTheOwnerAlone() throws Exception {
        Path root = parent.resolve("new/data");
        new DataFolder(root, true).secret("callback-secret", 32);
        assertEquals("rwx------", permissions(root));
        assertEquals("rw-------", permissions(root.resolve("callback-secret")));
    }

    private static String permissions(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
