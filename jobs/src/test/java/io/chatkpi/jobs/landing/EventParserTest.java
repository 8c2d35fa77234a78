package io.chatkpi.jobs.landing;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatkpi.ingest.event.EventCodec;
import io.chatkpi.ingest.event.EventType;
import io.chatkpi.ingest.event.SessionEvent;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The parse operator alone, with Flink's test harness: main output, side output, processing time. */
class EventParserTest {

    @Test
    void validGoesToTheMainOutputAndInvalidToTheSideOutputStampedWithProcessingTime() throws Exception {
        try (OneInputStreamOperatorTestHarness<RawRecord, LandedEvent> h =
                     ProcessFunctionTestHarnesses.forProcessFunction(new EventParser())) {
            h.setProcessingTime(1_795_000_000_000L);
            SessionEvent queued = SessionEvent.of("e1", "s1", EventType.QUEUED, 1_794_999_999_000L).withQueueId("tech");
            h.processElement(RawRecord.of("session-events", 2, 10, EventCodec.encode(queued)), 5L);
            h.processElement(RawRecord.of("session-events", 2, 11, "{\"eventId\":\"e2\"}"), 6L);
            h.processElement(RawRecord.of("session-events", 2, 12, ""), 7L);

            assertThat(h.extractOutputValues())
                    .containsExactly(new LandedEvent(queued, 2, 10, 1_795_000_000_000L));
            List<RejectedRecord> rejected = h.getSideOutput(EventParser.REJECTED).stream()
                    .map(StreamRecord::getValue).toList();
            assertThat(rejected).extracting(RejectedRecord::rejectId, RejectedRecord::reason, RejectedRecord::rawText)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("kafka:session-events:2:11", "sessionId: missing", "{\"eventId\":\"e2\"}"),
                            org.assertj.core.groups.Tuple.tuple("kafka:session-events:2:12", "not JSON: empty input", ""));
            assertThat(rejected).allSatisfy(r -> assertThat(r.ingestedAtMs()).isEqualTo(1_795_000_000_000L));
        }
    }
}
