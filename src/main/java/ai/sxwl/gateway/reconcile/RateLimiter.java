package ai.sxwl.gateway.reconcile;

/**
 * A token bucket: {@code ratePerSecond} permits a second, at most a fifth of a second's worth saved up, so that a
 * backlog of due jobs never becomes a burst.
 */
final class RateLimiter {

    private final double ratePerNano;
    private final double capacity;
    private double permits;
    private long refilledAt;

    RateLimiter(double ratePerSecond) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.capacity = Math.max(1, ratePerSecond / 5);
        this.refilledAt = System.nanoTime();
    }

    /** Permits that can be taken now, whole. */
    synchronized int available() {
        refill();
        return (int) permits;
    }

    synchronized boolean tryAcquire() {
        refill();
        if (permits < 1) {
            return false;
        }
        permits -= 1;
        return true;
    }

    private void refill() {
        long now = System.nanoTime();
        permits = Math.min(capacity, permits + (now - refilledAt) * ratePerNano);
        refilledAt = now;
    }
}
