package ai.sxwl.gateway.publish;

import ai.sxwl.gateway.background.ClusterLock;
import ai.sxwl.gateway.callback.CallbackTokens;
import ai.sxwl.gateway.testing.EventsTopic;
import ai.sxwl.gateway.testing.TestKafka;
import ai.sxwl.gateway.testing.TestJobs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static ai.sxwl.gateway.testing.Callbacks.body;
import static ai.sxwl.gateway.testing.Callbacks.onToken;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several relays on one database (as several replicas run them): per-job order on the topic still holds. */
@QuarkusTest
class RelayReplicasTest {

    private static final EventsTopic EVENTS = TestKafka.topic("sxwl.job.events");

    @Inject
    OutboxRelay relay;

    @Inject
    OutboxConfig outbox;

    @Inject
    ClusterLock lock;

    @Inject
    CallbackTokens tokens;

    @Test
    void onlyOneRelayHoldsTheLockAtATime() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // The application's own relay takes the lock too, now and then: the first tries until it holds it.
        CompletableFuture<Boolean> first = CompletableFuture.supplyAsync(() -> {
            for (int attempt = 0; attempt < 200; attempt++) {
                boolean acquired = QuarkusTransaction.requiringNew().call(() -> {
                    if (!lock.tryAcquire(ClusterLock.Name.OUTBOX_RELAY)) {
                        return false;
                    }
                    held.countDown();
                    release.await(10, TimeUnit.SECONDS);
                    return true;
                });
                if (acquired) {
                    return true;
                }
            }
            return false;
        });
        assertTrue(held.await(20, TimeUnit.SECONDS), "the first took the lock");
        assertFalse(QuarkusTransaction.requiringNew().call(() -> lock.tryAcquire(ClusterLock.Name.OUTBOX_RELAY)), "taken while the first holds it");
        release.countDown();
        assertTrue(first.get(10, TimeUnit.SECONDS));
        assertTrue(QuarkusTransaction.requiringNew().call(() -> lock.tryAcquire(ClusterLock.Name.OUTBOX_RELAY)), "free once the first committed");
    }

    @Test
    void threeRelaysKeepEachJobsEventsInOrder() throws Exception {
        AtomicBoolean posting = new AtomicBoolean(true);
        ExecutorService replicas = Executors.newFixedThreadPool(2);
        List<CompletableFuture<Void>> extraRelays = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            extraRelays.add(CompletableFuture.runAsync(() -> {
                while (posting.get()) {
                    relay.runRound(outbox.batchSize());
                }
            }, replicas));
        }

        List<String> jobIds = new ArrayList<>();
        ExecutorService senders = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Void>> jobs = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String jobId = TestJobs.newJobId();
                jobIds.add(jobId);
                String token = tokens.mint(TestJobs.submission("acme", jobId));
                jobs.add(CompletableFuture.runAsync(() -> {
                    onToken(token, body(jobId, "working", "")).statusCode(200);
                    onToken(token, body(jobId, "success", "")).statusCode(200);
                }, senders));
            }
            CompletableFuture.allOf(jobs.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    jobIds.stream().allMatch(id -> EVENTS.records(id).size() >= 2));
        } finally {
            posting.set(false);
            senders.shutdown();
            replicas.shutdown();
        }
        CompletableFuture.allOf(extraRelays.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        for (String jobId : jobIds) {
            List<String> sequences = EVENTS.records(jobId).stream()
                    .map(r -> r.value().replaceAll(".*\"sequence\":\"(\\d+)\".*", "$1")).toList();
            assertEquals(List.of("00000000000000000001", "00000000000000000002"), sequences, jobId);
        }
    }
}
