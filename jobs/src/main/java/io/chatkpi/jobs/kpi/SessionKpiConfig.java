package io.chatkpi.jobs.kpi;

import java.io.Serializable;
import java.time.Duration;

/**
 * Settings of the per-session operator.
 *
 * @param serviceLevelThresholdMs a queue wait at most this long is "answered within the service level"
 * @param timerGranularityMs      buffered events are flushed by event-time timers rounded up to this many ms, so
 *                                events close in time share one timer (one timer per event costs ~30 % CPU)
 * @param retentionMs             a session's state is dropped once the watermark passes its latest event by this
 *                                much; must exceed the longest gap between two events of a session (an Inactive
 *                                session is ended by the system after 24–30 h)
 */
public record SessionKpiConfig(long serviceLevelThresholdMs, long timerGranularityMs, long retentionMs)
        implements Serializable {

    public static final long DEFAULT_SERVICE_LEVEL_THRESHOLD_MS = Duration.ofSeconds(60).toMillis();
    public static final long DEFAULT_TIMER_GRANULARITY_MS = 100;
    public static final long DEFAULT_RETENTION_MS = Duration.ofHours(36).toMillis();

    public SessionKpiConfig {
        if (serviceLevelThresholdMs < 0) {
            throw new IllegalArgumentException("serviceLevelThresholdMs must be >= 0: " + serviceLevelThresholdMs);
        }
        if (timerGranularityMs < 1) {
            throw new IllegalArgumentException("timerGranularityMs must be >= 1: " + timerGranularityMs);
        }
        if (retentionMs < 1) {
            throw new IllegalArgumentException("retentionMs must be >= 1: " + retentionMs);
        }
    }

    public static SessionKpiConfig defaults() {
        return new SessionKpiConfig(
                DEFAULT_SERVICE_LEVEL_THRESHOLD_MS, DEFAULT_TIMER_GRANULARITY_MS, DEFAULT_RETENTION_MS);
    }

    /** The flush timer for an event at {@code ts}: {@code ts} rounded up to the granularity (never earlier). */
    public long flushTimerFor(long ts) {
        long slot = Math.floorDiv(ts, timerGranularityMs) * timerGranularityMs;
        return slot == ts ? ts : slot + timerGranularityMs;
    }
}
