package ai.sxwl.gateway.embedded;

import ai.sxwl.gateway.settings.GatewayConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The data folder and the secrets the embedded default generates into it on first start. It holds the H2 file (with
 * the subscriptions' signing secrets), the API keys and the callback secret, so it is the owner's alone: the folder
 * and every folder in it {@code 0700}, every file {@code 0600}, set on each start before the broker starts (H2 has
 * created its file by then, with the process's umask; inside a {@code 0700} folder no other user reaches it anyway).
 */
@ApplicationScoped
public class DataFolder {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<PosixFilePermission> OWNER_FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    private final Path root;
    private final boolean embedded;

    @Inject
    DataFolder(GatewayConfig config) {
        this(config.dataDir(), config.embedded());
    }

    DataFolder(Path root, boolean embedded) {
        this.root = root;
        this.embedded = embedded;
    }

    void restrictOnStart(@Observes @Priority(0) StartupEvent event) {
        if (embedded) {
            restrictToOwner();
        }
    }

    /** Creates the folder if need be and makes it, and everything in it, its owner's alone. */
    void restrictToOwner() {
        try {
            Files.createDirectories(root);
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path path : paths.toList()) {
                    restrict(path, Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? OWNER_FOLDER : OWNER_FILE);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot restrict " + root + " to its owner", e);
        }
    }

    public Path resolve(String name) {
        return root.resolve(name);
    }

    /** The folder {@code name} in the data folder, created if need be, its owner's alone (the broker's logs). */
    public Path folder(String name) {
        Path folder = resolve(name);
        try {
            restrict(Files.createDirectories(root), OWNER_FOLDER);
            restrict(Files.createDirectories(folder), OWNER_FOLDER);
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + folder, e);
        }
    }

    /**
     * The secret kept in {@code name}, created with {@code randomBytes} random bytes (base64url) the first time.
     * Returns whether it was just created, so that a caller can show it once.
     */
    public synchronized KeptSecret secret(String name, int randomBytes) {
        Path file = resolve(name);
        try {
            if (Files.exists(file)) {
                return new KeptSecret(Files.readString(file, StandardCharsets.UTF_8).trim(), false);
            }
            restrict(Files.createDirectories(root), OWNER_FOLDER);
            byte[] bytes = new byte[randomBytes];
            RANDOM.nextBytes(bytes);
            String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            Files.writeString(file, value + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
            restrict(file, OWNER_FILE);
            return new KeptSecret(value, true);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create " + file, e);
        }
    }

    /** A secret read from the data folder; {@code created} is true on the start that generated it. */
    public record KeptSecret(String value, boolean created) {
    }

    private static void restrict(Path path, Set<PosixFilePermission> permissions) throws IOException {
        try {
            if (!Files.isSymbolicLink(path)) {
                Files.setPosixFilePermissions(path, permissions);
            }
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the folder's own permissions apply.
        }
    }
}
