package ai.sxwl.gateway.reconcile;

/**
 * A token bucket: {@code ratePerSecond} permits a second, at most a fifth of a second's worth saved up, so that a
 * backlog of due jobs never becomes a burst. Upstream's 429 pauses it entirely for as long as upstream asks.
 */
final class RateLimiter {

    private final double ratePerNano;
    private final double capacity;
    private double permits;
    private long refilledAt;
    private long pausedUntil;

    RateLimiter(double ratePerSecond) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.capacity = Math.max(1, ratePerSecond / 5);
        this.refilledAt = System.nanoTime();
        this.pausedUntil = refilledAt;
    }

    /** Permits that can be taken now, whole. */
    synchronized int available() {
        return refill() ? (int) permits : 0;
    }

    synchronized boolean tryAcquire() {
        if (!refill() || permits < 1) {
            return false;
        }
        permits -= 1;
        return true;
    }

    /** No permits at all for {@code nanos} (upstream asked us to wait); the bucket starts empty afterwards. */
    synchronized void pause(long nanos) {
        long until = System.nanoTime() + nanos;
        if (until - pausedUntil > 0) {
            pausedUntil = until;
        }
        permits = 0;
        if (pausedUntil - refilledAt > 0) {
            refilledAt = pausedUntil;
        }
    }

    /** Adds the permits earned since the last refill; false while paused. */
    private boolean refill() {
        long now = System.nanoTime();
        if (now - pausedUntil < 0) {
            return false;
        }
        if (now - refilledAt > 0) {
            permits = Math.min(capacity, permits + (now - refilledAt) * ratePerNano);
            refilledAt = now;
        }
        return true;
    }
}
