package io.chatkpi.jobs.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatkpi.ingest.event.EventType;
import io.chatkpi.ingest.event.NotRoutedReason;
import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.jobs.landing.LandedEvent;
import io.chatkpi.jobs.landing.LandingTables;
import io.chatkpi.jobs.landing.RejectedRecord;
import io.chatkpi.testing.ClickHouseExtension;
import io.chatkpi.testing.ClickHouseTestDatabase;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The JDBC sink against the real local ClickHouse (18.16 here; the same INSERT runs on current releases): batches
 * split by size, DateTime from epoch seconds, NULLs, text that needs escaping, the re-send of a row replacing it.
 */
@ExtendWith(ClickHouseExtension.class)
class ClickHouseSinkTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(1)
            .build());

    private static final long T0 = 1_795_000_000_123L; // 2026-11-18T11:06:40.123Z
    private static final String AWKWARD = "it's \"quoted\", tab\t, newline\n, backslash \\ and é ✓";

    @Test
    void landsRowsWithNullsDateTimesAndAwkwardTextExactlyOnceEach(ClickHouseTestDatabase db) throws Exception {
        int n = 2_345; // with batches of 1000: two full batches and a partial one flushed at the end of input
        List<LandedEvent> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SessionEvent e = SessionEvent.of("e" + i, "s" + (i % 50), EventType.NOT_ROUTED, T0 + i)
                    .withReason(NotRoutedReason.QUEUE_FULL)
                    .withCaseCreated(i % 2 == 0 ? Boolean.TRUE : null)
                    .withTopic(i % 3 == 0 ? AWKWARD : null);
            rows.add(new LandedEvent(e, 3, 1000L + i, T0 + 60_000));
        }
        rows.add(rows.get(7)); // a redelivery
        RejectedRecord rejected = new RejectedRecord("kafka:session-events:0:9", "{\"bad\": '\u0000' \\".getBytes(StandardCharsets.UTF_8),
                "not JSON: " + AWKWARD, "kafka:session-events", T0);

        ClickHouseSinkOptions options = ClickHouseSinkOptions.of(db.url(), db.database()).withBatch(1000, 60_000);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData(rows, TypeInformation.of(LandedEvent.class))
                .sinkTo(ClickHouseSinks.sink(options, LandingTables.SESSION_EVENTS)).name("session_events");
        env.fromData(List.of(rejected, rejected), TypeInformation.of(RejectedRecord.class))
                .sinkTo(ClickHouseSinks.sink(options, LandingTables.REJECTED_EVENTS)).name("rejected_events");
        env.execute("ClickHouse sink test");

        var ch = db.client();
        assertThat(ch.queryLong("SELECT count() FROM session_events FINAL")).isEqualTo(n);
        assertThat(ch.queryLong("SELECT uniqExact(eventId) FROM session_events")).isEqualTo(n);
        assertThat(ch.queryLong("SELECT countIf(caseCreated = 1) FROM session_events FINAL")).isEqualTo((n + 1) / 2);
        assertThat(ch.queryLong("SELECT countIf(isNull(caseCreated)) FROM session_events FINAL")).isEqualTo(n / 2);
        assertThat(ch.queryLong("SELECT countIf(isNull(topic)) FROM session_events FINAL")).isEqualTo(n - (n + 2) / 3);
        assertThat(ch.queryLong("SELECT countIf(isNull(channel)) FROM session_events FINAL")).isEqualTo(n);

        JsonNode e3 = ch.queryJson("SELECT sessionId, type, toString(ts) AS ts, tsMs, topic, reason, caseCreated,"
                + " toString(ingestedAt) AS ingestedAt, sourcePartition, sourceOffset"
                + " FROM session_events FINAL WHERE eventId = 'e3'").get(0);
        assertThat(e3.get("sessionId").asText()).isEqualTo("s3");
        assertThat(e3.get("type").asText()).isEqualTo("NOT_ROUTED");
        assertThat(e3.get("ts").asText()).isEqualTo("2026-11-18 11:06:40");
        assertThat(e3.get("tsMs").asLong()).isEqualTo(T0 + 3);
        assertThat(e3.get("topic").asText()).isEqualTo(AWKWARD);
        assertThat(e3.get("reason").asText()).isEqualTo("QUEUE_FULL");
        assertThat(e3.get("caseCreated").isNull()).isTrue();
        assertThat(e3.get("ingestedAt").asText()).isEqualTo("2026-11-18 11:07:40");
        assertThat(e3.get("sourcePartition").asInt()).isEqualTo(3);
        assertThat(e3.get("sourceOffset").asLong()).isEqualTo(1003);

        List<JsonNode> rejects = ch.queryJson("SELECT rejectId, raw, reason, source FROM rejected_events FINAL");
        assertThat(rejects).singleElement().satisfies(r -> {
            assertThat(r.get("rejectId").asText()).isEqualTo("kafka:session-events:0:9");
            assertThat(r.get("raw").asText()).isEqualTo("{\"bad\": '\u0000' \\");
            assertThat(r.get("reason").asText()).isEqualTo("not JSON: " + AWKWARD);
            assertThat(r.get("source").asText()).isEqualTo("kafka:session-events");
        });
    }
}
