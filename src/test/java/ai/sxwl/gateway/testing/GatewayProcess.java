package ai.sxwl.gateway.testing;

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
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A packaged jar run as a process in its own folder on free ports: by default the plain build with no configuration,
 * as the README's run command runs it; the production tests pass the production jar's settings as environment
 * variables, as an operator does.
 */
public final class GatewayProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public final Path workDir;
    public final int httpPort = freePort();
    /** The embedded build's in-process broker. */
    public final int kafkaPort = freePort();
    /** The production build's management interface, where it serves /q/*; the embedded build serves /q on httpPort. */
    public final int managementPort = freePort();
    /** Settings passed as environment variables, as an operator sets them; add before {@link #start()}. */
    public final Map<String, String> environment = new HashMap<>();
    /** The packaged jar to run: the build's, or another release's (scripts/upgrade-rehearsal.sh). */
    public Path jar = Path.of(System.getProperty("gateway.jar", "target/quarkus-app/quarkus-run.jar"));
    private final List<String> jvmArgs;
    private boolean managementInterface;
    /** A whole command line instead of java with {@link #jvmArgs}, run in the jar's folder; null for the usual one. */
    private final List<String> commandLine;
    private Process process;

    public GatewayProcess(String... jvmArgs) throws IOException {
        this(List.of(jvmArgs), null);
    }

    private GatewayProcess(List<String> jvmArgs, List<String> commandLine) throws IOException {
        this.workDir = Files.createTempDirectory("gateway-it");
        this.jvmArgs = jvmArgs;
        this.commandLine = commandLine;
    }

    /**
     * The jar started by exactly this command line (a container image's entrypoint, say) in the jar's folder, as the
     * image's WORKDIR holds it; the ports reach it as environment variables, as an orchestrator would set them.
     */
    public static GatewayProcess withCommandLine(List<String> commandLine) throws IOException {
        GatewayProcess gateway = new GatewayProcess(List.of(), List.copyOf(commandLine));
        gateway.environment.put("QUARKUS_HTTP_PORT", String.valueOf(gateway.httpPort));
        gateway.environment.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(gateway.managementPort));
        return gateway;
    }

    /** The jar serves /q/* on {@link #managementPort} (the production build), not on the public port. */
    public GatewayProcess withManagementInterface() {
        return withManagementInterface(true);
    }

    /** Whether the jar serves /q/* on {@link #managementPort}: a release before the management interface does not. */
    public GatewayProcess withManagementInterface(boolean enabled) {
        managementInterface = enabled;
        return this;
    }

    /** Starts the jar and waits for readiness; returns the milliseconds that took. */
    public long start() throws IOException {
        long started = System.nanoTime();
        launch();
        return awaitReady(started);
    }

    /** Starts several jars at once (their starts overlap) and waits until each is ready. */
    public static void startAll(GatewayProcess... processes) throws IOException {
        long started = System.nanoTime();
        for (GatewayProcess process : processes) {
            process.launch();
        }
        for (GatewayProcess process : processes) {
            process.awaitReady(started);
        }
    }

    private long awaitReady(long started) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertTrue(process.isAlive(), "the gateway exited; see " + log());
            return operations("/q/health/ready") == 200;
        });
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("  gateway on port %d ready after %d ms%n", httpPort, millis);
        return millis;
    }

    /** Starts the jar expecting it to refuse to start: its exit code, or -1 if it still runs after 60 s. */
    public int startExpectingExit() throws IOException, InterruptedException {
        launch();
        return process.waitFor(60, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    /** Runs the jar with these arguments (a command such as {@code migrate}) to its end: the exit code, -1 on timeout. */
    public int run(Duration timeout, String... args) throws IOException, InterruptedException {
        launch(args);
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    private void launch(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Dquarkus.http.port=" + httpPort, "-Dgateway.embedded-kafka.port=" + kafkaPort,
                "-Dquarkus.management.port=" + managementPort));
        command.addAll(jvmArgs);
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        if (commandLine != null) {
            command = new ArrayList<>(commandLine);
            command.addAll(List.of(args)); // as arguments after an image's name reach its entrypoint
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory((commandLine != null ? jar.toAbsolutePath().getParent() : workDir).toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        if (commandLine != null) {
            // The command line's own "java" is this JVM's.
            builder.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":"
                    + builder.environment().get("PATH"));
        }
        builder.environment().putAll(environment);
        process = builder.start();
    }

    /** The operating system's id of the running jar, to read its memory and CPU from /proc. */
    public long pid() {
        return process.pid();
    }

    public Path log() {
        return workDir.resolve("gateway.log");
    }

    /** SIGTERM, and wait for the orderly stop. */
    public boolean stop() throws InterruptedException {
        process.destroy();
        return process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM without waiting: the shutdown runs while the caller watches. */
    public void terminate() {
        process.destroy();
    }

    /** Whether the process has ended (by itself or by a signal). */
    public boolean exited() {
        return process != null && !process.isAlive();
    }

    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** kill -9: no shutdown hooks, nothing flushed on the way out. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** The generated API key of tenant "default". */
    public String apiKey() throws IOException {
        return Files.readString(workDir.resolve("data/api-key-default")).trim();
    }

    public int post(String path, String json, String apiKey) throws IOException, InterruptedException {
        return postForResponse(path, json, apiKey).statusCode();
    }

    public String postForBody(String path, String json, String apiKey) throws IOException, InterruptedException {
        return postForResponse(path, json, apiKey).body();
    }

    public HttpResponse<String> postForResponse(String path, String json, String apiKey)
            throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), apiKey);
    }

    public int get(String path, String apiKey) {
        try {
            return send(HttpRequest.newBuilder(uri(path)), apiKey).statusCode();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    /** The status of an operations endpoint (/q/…), on the port the build serves it on; -1 when nothing answers. */
    public int operations(String path) {
        try {
            return send(HttpRequest.newBuilder(URI.create("http://localhost:"
                    + (managementInterface ? managementPort : httpPort) + path)), null).statusCode();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    /** The body of an operations endpoint (/q/metrics, say), on the port the build serves it on. */
    public String operationsBody(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:"
                + (managementInterface ? managementPort : httpPort) + path)), null).body();
    }

    public String getBody(String path, String apiKey) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)), apiKey).body();
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String apiKey)
            throws IOException, InterruptedException {
        request.timeout(Duration.ofSeconds(30));
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

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
