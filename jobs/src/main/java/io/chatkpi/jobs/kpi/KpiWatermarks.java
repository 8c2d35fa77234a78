package io.chatkpi.jobs.kpi;

import io.chatkpi.ingest.event.SessionEvent;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/** Event time of the KPI jobs: the events' own ts, a bounded out-of-orderness, and idle partitions ignored. */
public final class KpiWatermarks {

    /** How far behind the newest event an event may arrive and still count as in order. */
    public static final Duration DEFAULT_OUT_OF_ORDERNESS = Duration.ofSeconds(5);

    /** A partition silent this long stops holding the watermark back (a quiet queue must not stall the EWT). */
    public static final Duration DEFAULT_IDLENESS = Duration.ofSeconds(10);

    private KpiWatermarks() {}

    public static WatermarkStrategy<SessionEvent> strategy(Duration outOfOrderness, Duration idleness) {
        WatermarkStrategy<SessionEvent> strategy = WatermarkStrategy
                .<SessionEvent>forBoundedOutOfOrderness(outOfOrderness)
                .withTimestampAssigner((event, recordTimestamp) -> event.ts());
        return idleness.isZero() ? strategy : strategy.withIdleness(idleness);
    }
}
