package io.chatkpi.jobs.combined;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatkpi.ingest.event.EventCodec;
import io.chatkpi.ingest.event.EventType;
import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.jobs.common.JobConfig;
import io.chatkpi.jobs.kpi.KpiWatermarks;
import io.chatkpi.jobs.landing.EventParser;
import io.chatkpi.jobs.landing.LandedEvent;
import io.chatkpi.jobs.landing.LandingRouter;
import io.chatkpi.jobs.landing.ParsedRecord;
import io.chatkpi.jobs.landing.RawRecord;
import io.chatkpi.jobs.landing.RejectedRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.clock.ManualClock;
import org.junit.jupiter.api.Test;

/**
 * The pieces of the one-read job: the single parse, the landing's split of parsed records (as {@link EventParser}
 * splits raw ones), event time over parsed records (as the KPI job's source has it), and its options.
 */
class LandingAndKpisJobTest {

    private static final long NOW = 1_795_000_000_000L;
    private static final SessionEvent QUEUED =
            SessionEvent.of("e1", "s1", EventType.QUEUED, 1_794_999_999_000L).withQueueId("tech");

    @Test
    void theSplitOfParsedRecordsIsTheLandingOfRawOnes() throws Exception {
        List<RawRecord> raw = List.of(
                RawRecord.of("session-events", 2, 10, EventCodec.encode(QUEUED)),
                RawRecord.of("session-events", 2, 11, "{\"eventId\":\"e2\"}"),
                RawRecord.of("session-events", 2, 12, ""),
                new RawRecord("session-events", 2, 13, null),
                new RawRecord("session-events", 2, 14, new byte[] {'{', (byte) 0xC3, '}'}));
        try (OneInputStreamOperatorTestHarness<RawRecord, LandedEvent> parser =
                     ProcessFunctionTestHarnesses.forProcessFunction(new EventParser());
             OneInputStreamOperatorTestHarness<ParsedRecord, LandedEvent> router =
                     ProcessFunctionTestHarnesses.forProcessFunction(new LandingRouter())) {
            parser.setProcessingTime(NOW);
            router.setProcessingTime(NOW);
            for (RawRecord r : raw) {
                parser.processElement(r, 5L);
                router.processElement(ParsedRecord.parse(r), 5L);
            }
            assertThat(router.extractOutputValues()).containsExactly(new LandedEvent(QUEUED, 2, 10, NOW))
                    .isEqualTo(parser.extractOutputValues());
            List<String> fromParsed = rejections(router.getSideOutput(EventParser.REJECTED));
            assertThat(fromParsed).hasSize(4).isEqualTo(rejections(parser.getSideOutput(EventParser.REJECTED)));
            assertThat(fromParsed.get(0)).isEqualTo("kafka:session-events:2:11|sessionId: missing|{\"eventId\":\"e2\"}|"
                    + NOW + "|kafka:session-events");
        }
    }

    @Test
    void aValidRecordKeepsItsEventNotItsBytes() {
        ParsedRecord valid = ParsedRecord.parse(RawRecord.of("t", 0, 7, EventCodec.encode(QUEUED)));
        assertThat(valid.isValid()).isTrue();
        assertThat(valid.event()).isEqualTo(QUEUED);
        assertThat(valid.value()).isNull();
        assertThat(valid.rejection()).isNull();
        ParsedRecord rejected = ParsedRecord.parse(RawRecord.of("t", 0, 8, "[1]"));
        assertThat(rejected.isValid()).isFalse();
        assertThat(new String(rejected.value())).isEqualTo("[1]");
        assertThat(rejected.rejection()).isEqualTo("not a JSON object");
    }

    /**
     * A rejected record has no event time: it neither moves the watermark nor keeps its partition from going idle,
     * so the watermarks are those of the KPI job's source, which skips it.
     */
    @Test
    void rejectedRecordsNeitherMoveTheWatermarkNorCountAsActivity() {
        Duration outOfOrderness = Duration.ofSeconds(5);
        Duration idleness = Duration.ofSeconds(10);
        ManualClock clock = new ManualClock(NOW);
        WatermarkStrategy<ParsedRecord> parsed = KpiWatermarks.forParsedRecords(outOfOrderness, idleness);
        WatermarkStrategy<SessionEvent> events = KpiWatermarks.strategy(outOfOrderness, idleness);
        WatermarkGenerator<ParsedRecord> parsedGenerator = parsed.createWatermarkGenerator(context(clock));
        WatermarkGenerator<SessionEvent> eventGenerator = events.createWatermarkGenerator(context(clock));
        TimestampAssigner<ParsedRecord> timestamps = parsed.createTimestampAssigner(null);
        Outputs parsedOut = new Outputs();
        Outputs eventOut = new Outputs();

        ParsedRecord valid = ParsedRecord.parse(RawRecord.of("t", 0, 1, EventCodec.encode(QUEUED)));
        ParsedRecord later = ParsedRecord.parse(RawRecord.of("t", 0, 2,
                EventCodec.encode(SessionEvent.of("e2", "s1", EventType.ENDED, QUEUED.ts() + 60_000))));
        ParsedRecord rejected = ParsedRecord.parse(RawRecord.of("t", 0, 3, "{\"ts\":\"2030-01-01T00:00:00Z\"}"));
        assertThat(timestamps.extractTimestamp(valid, 42L)).isEqualTo(QUEUED.ts());
        assertThat(timestamps.extractTimestamp(rejected, 42L)).as("the Kafka record's").isEqualTo(42L);

        // the KPI job's source sees the valid events only; this one sees every record
        parsedGenerator.onEvent(valid, timestamps.extractTimestamp(valid, 0), parsedOut);
        eventGenerator.onEvent(QUEUED, QUEUED.ts(), eventOut);
        for (int second = 1; second <= 30; second++) {
            clock.advanceTime(Duration.ofSeconds(1));
            // a rejected record every second: not activity, so the partition still goes idle after 10 s
            parsedGenerator.onEvent(rejected, timestamps.extractTimestamp(rejected, 0), parsedOut);
            if (second == 20) {
                parsedGenerator.onEvent(later, timestamps.extractTimestamp(later, 0), parsedOut);
                eventGenerator.onEvent(later.event(), later.event().ts(), eventOut);
            }
            parsedGenerator.onPeriodicEmit(parsedOut);
            eventGenerator.onPeriodicEmit(eventOut);
        }
        assertThat(parsedOut.log).isEqualTo(eventOut.log).contains("idle")
                .contains("wm " + (QUEUED.ts() + 60_000 - outOfOrderness.toMillis() - 1))
                .noneMatch(s -> s.startsWith("wm 1893"));
    }

    @Test
    void optionsAreTheTwoJobsOverOneGroup() {
        LandingAndKpisJob.Options o = LandingAndKpisJob.Options.from(JobConfig.of(Map.of(
                "topic", "events", "dead-letter-topic", "dead", "ewt-topic", "ewt", "out-of-orderness-ms", "2000")));
        assertThat(o.landing().topic()).isEqualTo("events");
        assertThat(o.landing().deadLetterTopic()).isEqualTo("dead");
        assertThat(o.kpis().ewtTopic()).isEqualTo("ewt");
        assertThat(o.kpis().outOfOrderness()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.landing().groupId()).isEqualTo(o.kpis().groupId()).isEqualTo(LandingAndKpisJob.DEFAULT_GROUP_ID);
        assertThat(LandingAndKpisJob.USAGE).contains("--dead-letter-topic").contains("--ewt-topic")
                .contains("(default chatkpi-landing-and-kpis)").doesNotContain("chatkpi-kpis)");
        assertThatThrownBy(() -> new LandingAndKpisJob.Options(o.landing().withTopics("other", "dead"), o.kpis()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one topic");
    }

    private static List<String> rejections(java.util.Collection<StreamRecord<RejectedRecord>> records) {
        List<String> out = new ArrayList<>();
        for (StreamRecord<RejectedRecord> r : records) {
            RejectedRecord v = r.getValue();
            out.add(v.rejectId() + "|" + v.reason() + "|" + v.rawText() + "|" + v.ingestedAtMs() + "|" + v.source());
        }
        return out;
    }

    private static org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier.Context context(ManualClock clock) {
        return new org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier.Context() {
            @Override
            public org.apache.flink.metrics.MetricGroup getMetricGroup() {
                return new UnregisteredMetricsGroup();
            }

            @Override
            public org.apache.flink.util.clock.RelativeClock getInputActivityClock() {
                return clock;
            }
        };
    }

    /** What a generator emitted, in order: watermarks, idle, active. */
    private static final class Outputs implements WatermarkOutput {
        final List<String> log = new ArrayList<>();

        @Override
        public void emitWatermark(Watermark watermark) {
            log.add("wm " + watermark.getTimestamp());
        }

        @Override
        public void markIdle() {
            log.add("idle");
        }

        @Override
        public void markActive() {
            log.add("active");
        }
    }
}
