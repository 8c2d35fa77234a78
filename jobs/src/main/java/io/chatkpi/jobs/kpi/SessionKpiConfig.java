package io.chatkpi.jobs.kpi;

import java.io.Serializable;
import java.time.Duration;

/**
 * Settings of the per-session operator.
 *
 * @param serviceLevelThresholdMs a queue wait at most this long is "answered within the service level"
 * @param retentionMs             a session's state is dropped once the watermark passes its latest event by this
 *                                much; must exceed the longest gap between two events of a session (an Inactive
 *                                session is ended by the system after 24–30 h)
 */
public record SessionKpiConfig(long serviceLevelThresholdMs, long retentionMs) implements Serializable {

    public static final long DEFAULT_SERVICE_LEVEL_THRESHOLD_MS = Duration.ofSeconds(60).toMillis();
    public static final long DEFAULT_RETENTION_MS = Duration.ofHours(36).toMillis();

    public SessionKpiConfig {
        if (serviceLevelThresholdMs < 0) {
            throw new IllegalArgumentException("serviceLevelThresholdMs must be >= 0: " + serviceLevelThresholdMs);
        }
        if (retentionMs < 1) {
            throw new IllegalArgumentException("retentionMs must be >= 1: " + retentionMs);
        }
    }

    public static SessionKpiConfig defaults() {
        return new SessionKpiConfig(DEFAULT_SERVICE_LEVEL_THRESHOLD_MS, DEFAULT_RETENTION_MS);
    }
}
