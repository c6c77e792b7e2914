package ai.sxwl.gateway.embedded;

import ai.sxwl.gateway.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/** The data folder and the secrets the embedded default generates into it on first start. */
@ApplicationScoped
public class DataFolder {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path root;

    DataFolder(GatewayConfig config) {
        this.root = config.dataDir();
    }

    public Path resolve(String name) {
        return root.resolve(name);
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
            Files.createDirectories(root);
            byte[] bytes = new byte[randomBytes];
            RANDOM.nextBytes(bytes);
            String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            Files.writeString(file, value + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
            restrictToOwner(file);
            return new KeptSecret(value, true);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create " + file, e);
        }
    }

    /** A secret read from the data folder; {@code created} is true on the start that generated it. */
    public record KeptSecret(String value, boolean created) {
    }

    private static void restrictToOwner(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the folder's own permissions apply.
        }
    }
}
