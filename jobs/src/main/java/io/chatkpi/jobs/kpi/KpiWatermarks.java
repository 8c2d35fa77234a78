package io.chatkpi.jobs.kpi;

import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.jobs.landing.ParsedRecord;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
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

    /**
     * The same event time over records parsed in the source ({@link ParsedRecord}), where the rejected ones come
     * along for the landing: a rejection has no event time, so it neither moves its partition's watermark nor
     * counts as activity against the idleness, exactly as when the KPI job's source skips it. Its timestamp is the
     * Kafka record's, which nothing downstream of the landing reads.
     */
    public static WatermarkStrategy<ParsedRecord> forParsedRecords(Duration outOfOrderness, Duration idleness) {
        return new ValidEventsOnly(strategy(outOfOrderness, idleness));
    }

    private record ValidEventsOnly(WatermarkStrategy<SessionEvent> events) implements WatermarkStrategy<ParsedRecord> {

        @Override
        public WatermarkGenerator<ParsedRecord> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
            WatermarkGenerator<SessionEvent> generator = events.createWatermarkGenerator(context);
            return new WatermarkGenerator<>() {
                @Override
                public void onEvent(ParsedRecord record, long timestamp, WatermarkOutput output) {
                    if (record.isValid()) {
                        generator.onEvent(record.event(), timestamp, output);
                    }
                }

                @Override
                public void onPeriodicEmit(WatermarkOutput output) {
                    generator.onPeriodicEmit(output);
                }
            };
        }

        @Override
        public TimestampAssigner<ParsedRecord> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
            return (record, kafkaTimestamp) -> record.isValid() ? record.event().ts() : kafkaTimestamp;
        }
    }
}
