package ai.sxwl.gateway.embedded;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged jar of the plain build, run as a process in its own folder with no configuration but free ports, as
 * the README's run command runs it.
 */
final class GatewayProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final Path workDir;
    final int httpPort = freePort();
    final int kafkaPort = freePort();
    private final List<String> extraArgs;
    private Process process;

    GatewayProcess(String... extraArgs) throws IOException {
        this.workDir = Files.createTempDirectory("gateway-it");
        this.extraArgs = List.of(extraArgs);
    }

    /** Starts the jar and waits for readiness; returns the milliseconds that took. */
    long start() throws IOException {
        String jar = System.getProperty("gateway.jar", "target/quarkus-app/quarkus-run.jar");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Dquarkus.http.port=" + httpPort, "-Dgateway.embedded-kafka.port=" + kafkaPort));
        command.addAll(extraArgs);
        command.addAll(List.of("-jar", Path.of(jar).toAbsolutePath().toString()));
        long started = System.nanoTime();
        process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("gateway.log").toFile())).start();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertTrue(process.isAlive(), "the gateway exited; see " + workDir.resolve("gateway.log"));
            return get("/q/health/ready", null) == 200;
        });
        return (System.nanoTime() - started) / 1_000_000;
    }

    /** SIGTERM, and wait for the orderly stop. */
    boolean stop() throws InterruptedException {
        process.destroy();
        return process.waitFor(30, TimeUnit.SECONDS);
    }

    /** kill -9: no shutdown hooks, nothing flushed on the way out. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** The generated API key of tenant "default". */
    String apiKey() throws IOException {
        return Files.readString(workDir.resolve("data/api-key-default")).trim();
    }

    int post(String path, String json, String apiKey) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), apiKey).statusCode();
    }

    String postForBody(String path, String json, String apiKey) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), apiKey).body();
    }

    int get(String path, String apiKey) {
        try {
            return send(HttpRequest.newBuilder(uri(path)), apiKey).statusCode();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    String getBody(String path, String apiKey) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)), apiKey).body();
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String apiKey)
            throws IOException, InterruptedException {
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + httpPort + path);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
