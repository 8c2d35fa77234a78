package io.chatkpi.jobs.landing;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatkpi.ingest.event.Channel;
import io.chatkpi.ingest.event.EventCodec;
import io.chatkpi.ingest.event.EventType;
import io.chatkpi.ingest.event.Sender;
import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.ingest.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The landing graph on a MiniCluster with in-memory input: the valid/rejected split, reasons, positions. */
class RawEventsPipelineTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static final long T0 = 1_795_000_000_000L; // 2026-11-17

    @Test
    void splitsValidFromRejectedKeepingRawTextReasonAndSourcePosition() throws Exception {
        SessionEvent started = SessionEvent.of("e1", "s1", EventType.SESSION_STARTED, T0).withChannel(Channel.WEB).withTopic("billing");
        SessionEvent queued = SessionEvent.of("e2", "s1", EventType.QUEUED, T0 + 1_000).withQueueId("billing");
        SessionEvent message = SessionEvent.of("e3", "s1", EventType.MESSAGE, T0 + 2_250).withSender(Sender.END_USER);

        List<RawRecord> input = new ArrayList<>();
        input.add(record(0, EventCodec.encode(started)));
        input.add(record(1, EventCodec.encode(queued)));
        input.add(record(2, "this is not json"));
        input.add(record(3, EventCodec.encode(message)));
        input.add(record(4, EventCodec.encode(queued))); // a redelivery: landed again, ClickHouse keeps one
        input.add(record(5, "{\"eventId\":\"e9\",\"sessionId\":\"s1\",\"type\":\"QUEUED\",\"ts\":\"2026-11-25T10:00:00\",\"queueId\":\"tech\"}"));
        input.add(record(6, "{\"eventId\":\"e10\",\"sessionId\":\"s1\",\"type\":\"TELEPORTED\",\"ts\":\"2026-11-25T10:00:00Z\"}"));
        input.add(record(7, "[1,2,3]"));
        input.add(new RawRecord(Topics.SESSION_EVENTS, 1, 8, null)); // a record without a value
        input.add(record(9, "{\"sessionId\":\"s1\",\"type\":\"ENDED\",\"ts\":\"2026-11-25T10:00:00Z\",\"futureField\":1}"));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        CollectingSink<LandedEvent> events = new CollectingSink<>();
        CollectingSink<RejectedRecord> rejectedTable = new CollectingSink<>();
        CollectingSink<RejectedRecord> deadLetters = new CollectingSink<>();
        RawEventsJob.land(env.fromData(input, TypeInformation.of(RawRecord.class)), events, rejectedTable, deadLetters);
        env.execute("landing pipeline test");

        assertThat(events.received())
                .extracting(LandedEvent::event)
                .containsExactlyInAnyOrder(started, queued, message, queued);
        assertThat(events.received())
                .extracting(e -> e.event().eventId() + "@" + e.sourceOffset())
                .containsExactlyInAnyOrder("e1@0", "e2@1", "e3@3", "e2@4");
        assertThat(events.received()).allSatisfy(e -> {
            assertThat(e.sourcePartition()).isEqualTo(1);
            assertThat(e.ingestedAtMs()).isPositive();
        });

        Map<String, String> reasonById = rejectedTable.received().stream()
                .collect(Collectors.toMap(RejectedRecord::rejectId, RejectedRecord::reason));
        assertThat(reasonById).containsOnlyKeys(
                "kafka:session-events:1:2", "kafka:session-events:1:5", "kafka:session-events:1:6",
                "kafka:session-events:1:7", "kafka:session-events:1:8", "kafka:session-events:1:9");
        assertThat(reasonById.get("kafka:session-events:1:2")).startsWith("not JSON");
        assertThat(reasonById.get("kafka:session-events:1:5")).startsWith("ts: has no zone offset");
        assertThat(reasonById.get("kafka:session-events:1:6")).startsWith("type: unknown value 'TELEPORTED'");
        assertThat(reasonById.get("kafka:session-events:1:7")).isEqualTo("not a JSON object");
        assertThat(reasonById.get("kafka:session-events:1:8")).startsWith("not JSON: empty input");
        assertThat(reasonById.get("kafka:session-events:1:9")).isEqualTo("eventId: missing");

        Map<String, RejectedRecord> byId = rejectedTable.received().stream()
                .collect(Collectors.toMap(RejectedRecord::rejectId, r -> r));
        assertThat(byId.get("kafka:session-events:1:2").rawText()).isEqualTo("this is not json");
        assertThat(byId.get("kafka:session-events:1:8").raw()).isEmpty();
        assertThat(byId.values()).allSatisfy(r -> assertThat(r.source()).isEqualTo("kafka:session-events"));

        // the dead-letter topic gets exactly the same rejections as the table
        assertThat(deadLetters.received())
                .extracting(r -> r.rejectId() + " " + r.reason() + " " + r.rawText())
                .containsExactlyInAnyOrderElementsOf(rejectedTable.received().stream()
                        .map(r -> r.rejectId() + " " + r.reason() + " " + r.rawText()).toList());
    }

    @Test
    void invalidUtf8IsRejectedNotFatal() throws Exception {
        byte[] broken = {'{', '"', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        CollectingSink<LandedEvent> events = new CollectingSink<>();
        CollectingSink<RejectedRecord> rejectedTable = new CollectingSink<>();
        CollectingSink<RejectedRecord> deadLetters = new CollectingSink<>();
        RawEventsJob.land(env.fromData(List.of(new RawRecord(Topics.SESSION_EVENTS, 0, 41, broken)),
                TypeInformation.of(RawRecord.class)), events, rejectedTable, deadLetters);
        env.execute("landing pipeline test: bytes");

        assertThat(events.received()).isEmpty();
        assertThat(rejectedTable.received()).singleElement().satisfies(r -> {
            assertThat(r.rejectId()).isEqualTo("kafka:session-events:0:41");
            assertThat(r.reason()).startsWith("eventId: missing");
        });
        // the dead-letter copy keeps the bytes exactly, even where they are not valid UTF-8
        assertThat(deadLetters.received()).singleElement().satisfies(r -> assertThat(r.raw()).isEqualTo(broken));
    }

    private static RawRecord record(long offset, String text) {
        return new RawRecord(Topics.SESSION_EVENTS, 1, offset, text.getBytes(StandardCharsets.UTF_8));
    }
}
