package io.chatkpi.api.auth;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per caller: {@code perMinute} requests of burst, refilled continuously. Time comes from the
 * injected clock, so tests step it instead of sleeping.
 */
public final class RateLimiter {

    /** The outcome of one request: allowed, or refused with the whole seconds until a token is back. */
    public record Decision(boolean allowed, long retryAfterSeconds) {}

    private static final class Bucket {
        double tokens;
        long lastMs;

        Bucket(double tokens, long lastMs) {
            this.tokens = tokens;
            this.lastMs = lastMs;
        }
    }

    private final Clock clock;
    private final int perMinute;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(Clock clock, int perMinute) {
        if (perMinute <= 0) throw new IllegalArgumentException("rate limit must be > 0 per minute");
        this.clock = clock;
        this.perMinute = perMinute;
    }

    public Decision acquire(String callerId) {
        long now = clock.millis();
        Bucket b = buckets.computeIfAbsent(callerId, k -> new Bucket(perMinute, now));
        synchronized (b) {
            double perMs = perMinute / 60_000.0;
            b.tokens = Math.min(perMinute, b.tokens + Math.max(0, now - b.lastMs) * perMs);
            b.lastMs = Math.max(b.lastMs, now);
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return new Decision(true, 0);
            }
            long waitMs = (long) Math.ceil((1 - b.tokens) / perMs);
            return new Decision(false, Math.max(1, (waitMs + 999) / 1000));
        }
    }
}
