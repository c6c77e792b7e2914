package ai.sxwl.gateway.production;

import ai.sxwl.gateway.testing.Api;
import ai.sxwl.gateway.testing.GatewayProcess;
import ai.sxwl.gateway.testing.Progress;
import ai.sxwl.gateway.testing.SxwlSimulator;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Senders that keep a stream of work on the replicas (round robin) until stopped, and keep what each request got.
 * The work, in turn: a success callback on the shared untokened route for a job that ended upstream (the gateway
 * confirms it with a poll); a success callback with its model URL on that route for a job upstream never heard of
 * (with trust-untokened on, only the callback itself can make its event: a lost one shows); a submit whose job calls back
 * on its tokened route; a submit whose job ends without a callback (only polling finds the outcome); a submit that
 * fails.
 */
final class Load implements AutoCloseable {

    enum Kind { UNTOKENED_CALLBACK, TRUSTED_CALLBACK, SUBMIT_CALLED_BACK, SUBMIT_SILENT, SUBMIT_FAILING }

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
    private static final long STEADY_PAUSE_MILLIS = 50;

    private final List<GatewayProcess> replicas;
    private final List<Kind> kinds;
    private final long pauseMillis;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong turn = new AtomicLong();
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicInteger[] open;
    private final ExecutorService senders;
    final Queue<Sent> sent = new ConcurrentLinkedQueue<>();

    /** A steady load: each sender pauses a little between its requests. */
    Load(List<GatewayProcess> replicas, int senders, Kind... kinds) {
        this(replicas, senders, STEADY_PAUSE_MILLIS, kinds);
    }

    private Load(List<GatewayProcess> replicas, int senders, long pauseMillis, Kind... kinds) {
        this.replicas = replicas;
        this.kinds = List.of(kinds);
        this.pauseMillis = pauseMillis;
        this.open = new AtomicInteger[replicas.size()];
        for (int i = 0; i < open.length; i++) {
            open[i] = new AtomicInteger();
        }
        this.senders = Executors.newFixedThreadPool(senders);
        for (int i = 0; i < senders; i++) {
            this.senders.execute(this::send);
        }
    }

    /** Senders that post the next request as soon as the last is answered: as many requests open as senders. */
    static Load burst(GatewayProcess replica, int senders, Kind kind) {
        return new Load(List.of(replica), senders, 0, kind);
    }

    private void send() {
        while (running.get()) {
            long n = turn.getAndIncrement();
            int replica = (int) (n % replicas.size());
            Kind kind = kinds.get((int) (n / replicas.size() % kinds.size()));
            long started = System.nanoTime();
            open[replica].incrementAndGet();
            Sent outcome;
            try {
                outcome = send(replicas.get(replica), kind, started);
            } catch (Exception e) {
                outcome = new Sent(kind, null, started, System.nanoTime(), -1, null, e);
            } finally {
                open[replica].decrementAndGet();
            }
            sent.add(outcome);
            if (outcome.acknowledged()) {
                acknowledged.incrementAndGet();
            }
            pause();
        }
    }

    private static Sent send(GatewayProcess replica, Kind kind, long started) throws Exception {
        return switch (kind) {
            case UNTOKENED_CALLBACK -> {
                String jobId = SxwlSimulator.openJobs(1).get(0);
                SxwlSimulator.finish(jobId, true);
                yield untokenedCallback(replica, kind, jobId, "", started);
            }
            case TRUSTED_CALLBACK -> {
                String jobId = "ai" + UUID.randomUUID();
                yield untokenedCallback(replica, kind, jobId, "https://bucket.oss-cn-beijing.aliyuncs.com/" + jobId
                        + "%2Fds_model.bin?Expires=1893456000&Signature=x", started);
            }
            case SUBMIT_CALLED_BACK -> submit(replica, kind, "sim:success@400", started);
            case SUBMIT_SILENT -> submit(replica, kind, "sim:success-silent@400", started);
            case SUBMIT_FAILING -> submit(replica, kind, "sim:fail@400", started);
        };
    }

    private static Sent untokenedCallback(GatewayProcess replica, Kind kind, String jobId, String url, long started)
            throws Exception {
        HttpResponse<String> answer = replica.postForResponse("/callbacks/sxwl",
                "{\"jobId\":\"" + jobId + "\",\"status\":\"success\",\"url\":\"" + url + "\"}", null);
        return sent(kind, jobId, started, answer);
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

    /** Waits until {@code more} requests more than so far are acknowledged, however long a busy machine takes. */
    void awaitAcknowledged(int more) throws InterruptedException {
        Progress.awaitCount("acknowledged requests", acknowledged::get, acknowledged.get() + more);
    }

    /** Waits until at least {@code count} requests to the first replica are sent and not yet answered. */
    void awaitOpen(int count) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> open[0].get() >= count);
    }

    /** Requests sent to the first replica and not yet answered, now. */
    int open() {
        return open[0].get();
    }

    List<Sent> acknowledged() {
        return sent.stream().filter(Sent::acknowledged).toList();
    }

    /** The outcome each acknowledged request must lead to. */
    static String expectedType(Sent sent) {
        return sent.kind() == Kind.SUBMIT_FAILING ? "ai.sxwl.job.failed" : "ai.sxwl.job.succeeded";
    }

    private void pause() {
        if (pauseMillis == 0) {
            return;
        }
        try {
            Thread.sleep(pauseMillis);
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
