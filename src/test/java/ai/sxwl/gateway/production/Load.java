package ai.sxwl.gateway.production;

import ai.sxwl.gateway.testing.Api;
import ai.sxwl.gateway.testing.GatewayProcess;
import ai.sxwl.gateway.testing.SxwlSimulator;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Senders that keep a stream of work on the replicas (round robin) until stopped, and keep what each request got.
 * The work, in turn: a success callback on the shared untokened route for a job that ended upstream (the gateway
 * confirms it with a poll); a submit whose job calls back on its tokened route; a submit whose job ends without a
 * callback (only polling finds the outcome); a submit that fails.
 */
final class Load implements AutoCloseable {

    enum Kind { UNTOKENED_CALLBACK, SUBMIT_CALLED_BACK, SUBMIT_SILENT, SUBMIT_FAILING }

    /** One request: when it started and ended, and its answer — or the exception that replaced it. */
    record Sent(Kind kind, String jobId, long startedNanos, long endedNanos, int status, String retryAfter,
                Exception failure) {
        boolean acknowledged() {
            return status == 200 && jobId != null;
        }
    }

    /** The seed document's example spec without a downstream callbackUrl: the subscription is the receiver here. */
    private static final String SPEC = Api.spec("%s").replaceAll("\\s*\"callbackUrl\": \"[^\"]*\",", "");
    /** Each sender's pause between two requests: a steady load that leaves the 2-core machine room to recover. */
    private static final long PAUSE_MILLIS = 50;

    private final List<GatewayProcess> replicas;
    private final List<Kind> kinds;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong turn = new AtomicLong();
    private final ExecutorService senders;
    final Queue<Sent> sent = new ConcurrentLinkedQueue<>();

    Load(List<GatewayProcess> replicas, int senders, Kind... kinds) {
        this.replicas = replicas;
        this.kinds = List.of(kinds);
        this.senders = Executors.newFixedThreadPool(senders);
        for (int i = 0; i < senders; i++) {
            this.senders.execute(this::send);
        }
    }

    private void send() {
        while (running.get()) {
            long n = turn.getAndIncrement();
            GatewayProcess replica = replicas.get((int) (n % replicas.size()));
            Kind kind = kinds.get((int) (n / replicas.size() % kinds.size()));
            long started = System.nanoTime();
            try {
                sent.add(switch (kind) {
                    case UNTOKENED_CALLBACK -> untokenedCallback(replica, started);
                    case SUBMIT_CALLED_BACK -> submit(replica, kind, "sim:success@400", started);
                    case SUBMIT_SILENT -> submit(replica, kind, "sim:success-silent@400", started);
                    case SUBMIT_FAILING -> submit(replica, kind, "sim:fail@400", started);
                });
            } catch (Exception e) {
                sent.add(new Sent(kind, null, started, System.nanoTime(), -1, null, e));
            }
            pause();
        }
    }

    private static Sent untokenedCallback(GatewayProcess replica, long started) throws Exception {
        String jobId = SxwlSimulator.openJobs(1).get(0);
        SxwlSimulator.finish(jobId, true);
        HttpResponse<String> answer = replica.postForResponse("/callbacks/sxwl",
                "{\"jobId\":\"" + jobId + "\",\"status\":\"success\",\"url\":\"\"}", null);
        return sent(Kind.UNTOKENED_CALLBACK, jobId, started, answer);
    }

    private static Sent submit(GatewayProcess replica, Kind kind, String script, long started) throws Exception {
        HttpResponse<String> answer = replica.postForResponse("/api/userJob", SPEC.formatted(script),
                ProductionStack.API_KEY);
        String jobId = answer.statusCode() == 200
                ? ProductionStack.parse(answer.body()).path("job_id").asText(null) : null;
        return sent(kind, jobId, started, answer);
    }

    private static Sent sent(Kind kind, String jobId, long started, HttpResponse<String> answer) {
        return new Sent(kind, jobId, started, System.nanoTime(), answer.statusCode(),
                answer.headers().firstValue("Retry-After").orElse(null), null);
    }

    List<Sent> acknowledged() {
        return sent.stream().filter(Sent::acknowledged).toList();
    }

    /** The outcome each acknowledged request must lead to. */
    static String expectedType(Sent sent) {
        return sent.kind() == Kind.SUBMIT_FAILING ? "ai.sxwl.job.failed" : "ai.sxwl.job.succeeded";
    }

    private static void pause() {
        try {
            Thread.sleep(PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        senders.shutdown();
        assertTrue(senders.awaitTermination(60, TimeUnit.SECONDS), "the senders stopped");
    }
}
