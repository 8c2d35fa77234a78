package io.chatkpi.jobs.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatkpi.jobs.sink.ClickHouseSinkOptions;
import io.chatkpi.jobs.sink.ClickHouseSinks;
import io.chatkpi.testing.ClickHouseExtension;
import io.chatkpi.testing.ClickHouseTestDatabase;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kpi_rollup rows through the production (RowBinary) sink into the real ClickHouse (18.16 here): the Array(UInt16) / Array(Int64)
 * histogram columns (empty, one element, many, a 64-bit count), the slot DateTime, and a higher version replacing
 * a row under FINAL.
 */
@ExtendWith(ClickHouseExtension.class)
class KpiRollupSinkTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(1)
            .build());

    private static final long SLOT = 1_795_000_500_000L - 1_795_000_500_000L % RollupRowChange.SLOT_MS;

    @Test
    void writesHistogramArraysAndTheHigherVersionWins(ClickHouseTestDatabase db) throws Exception {
        List<RollupRow> rows = List.of(
                new RollupRow(0, SLOT, "", "", "STARTED", "", false, 3, 0, 0, 0, new int[0], new long[0], 3),
                new RollupRow(2, SLOT, "it's \"q\"", "rep\\1", "ANSWERED", "", true, 2, 2, 30_500, 30_000,
                        new int[] {0, 520}, new long[] {1, 1}, 2),
                new RollupRow(1, SLOT, "q2", "", "HANDLE", "", false, 5_000_000_001L, 5_000_000_001L, 5_000_000_001L,
                        65_535, new int[] {0, 1, 65_535}, new long[] {1, 5_000_000_000L, 1}, 1),
                new RollupRow(2, SLOT, "it's \"q\"", "rep\\1", "ANSWERED", "", true, 1, 1, 500, 500,
                        new int[] {314}, new long[] {1}, 5),
                new RollupRow(1, SLOT + RollupRowChange.SLOT_MS, "q", "", "SESSION_JOINED", "queue,rep", false, 0, 0,
                        0, 0, new int[0], new long[0], 7));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData(rows, TypeInformation.of(RollupRow.class))
                .sinkTo(ClickHouseSinks.sink(ClickHouseSinkOptions.of(db.url(), db.database()), KpiTables.KPI_ROLLUP))
                .name("kpi_rollup");
        env.execute("kpi_rollup sink test");

        List<JsonNode> stored = db.client().queryJson("SELECT grain, toString(slot) AS slot, queueId, repId, kind,"
                + " detail, flag, facts, valueCount, valueSumMs, valueMaxMs, toString(histKeys) AS keys,"
                + " toString(histCounts) AS counts, version FROM kpi_rollup FINAL ORDER BY grain, slot, queueId");
        assertThat(stored).extracting(n -> n.get("grain").asInt() + " " + n.get("slot").asText() + " "
                        + n.get("queueId").asText() + "/" + n.get("repId").asText() + " " + n.get("kind").asText()
                        + " " + n.get("detail").asText() + " " + n.get("flag").asInt() + " " + n.get("facts").asLong()
                        + " " + n.get("valueCount").asLong() + " " + n.get("valueSumMs").asLong() + " "
                        + n.get("valueMaxMs").asLong() + " " + n.get("keys").asText() + " " + n.get("counts").asText()
                        + " v" + n.get("version").asLong())
                .containsExactly(
                        "0 2026-11-18 11:15:00 / STARTED  0 3 0 0 0 [] [] v3",
                        "1 2026-11-18 11:15:00 q2/ HANDLE  0 5000000001 5000000001 5000000001 65535"
                                + " [0,1,65535] [1,5000000000,1] v1",
                        "1 2026-11-18 11:30:00 q/ SESSION_JOINED queue,rep 0 0 0 0 0 [] [] v7",
                        "2 2026-11-18 11:15:00 it's \"q\"/rep\\1 ANSWERED  1 1 1 500 500 [314] [1] v5");
    }
}
