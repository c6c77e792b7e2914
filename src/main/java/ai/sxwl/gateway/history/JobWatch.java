package ai.sxwl.gateway.history;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wakes the requests that wait for a job ({@code GET /api/jobs/{id}?wait=}) when this replica commits a change of that
 * job, without a thread per waiter: a waiter holds a future, completed after the change's commit. A change committed
 * by another replica completes nothing here, so waiters also look again on a short period of their own. Only jobs
 * somebody waits for are in the map; the last waiter to leave takes its entry away.
 */
@ApplicationScoped
public class JobWatch {

    private final Map<String, Watch> watches = new ConcurrentHashMap<>();

    /** One job's waiters and the future they share, completed by the job's next committed change. */
    static final class Watch {
        final CompletableFuture<Void> changed = new CompletableFuture<>();
        int waiters;
    }

    void onCommittedChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) JobChanged change) {
        Watch watch = watches.remove(change.jobId());
        if (watch != null) {
            watch.changed.complete(null);
        }
    }

    /** Joins the waiters of a job; pair with {@link #leave} (in a finally-like stage). */
    Watch join(String jobId) {
        return watches.compute(jobId, (id, watch) -> {
            Watch joined = watch != null ? watch : new Watch();
            joined.waiters++;
            return joined;
        });
    }

    /** Leaves a watch; its entry goes when nobody is left (a watch already completed has left the map by itself). */
    void leave(String jobId, Watch watch) {
        watches.computeIfPresent(jobId, (id, current) -> current != watch || --current.waiters > 0 ? current : null);
    }

    /** How many jobs are watched now. */
    int size() {
        return watches.size();
    }
}
