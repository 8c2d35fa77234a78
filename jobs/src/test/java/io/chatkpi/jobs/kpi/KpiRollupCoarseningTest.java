package io.chatkpi.jobs.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KpiRollupCoarseningTest {

    private static final long HORIZON = 3_600_000;
    private static final long POLL = 1_000;
    /** 2026-11-02T00:00:00Z */
    private static final long DAY = 1_793_577_600_000L;
    private static final long HOUR = 3_600_000;
    private static final long SLOT = 900_000;

    private KpiRollupCoarsening function;
    private KeyedOneInputStreamOperatorTestHarness<String, RollupRow, CoarseRollupRow> harness;

    @AfterEach
    void close() throws Exception {
        if (harness != null) harness.close();
    }

    private KeyedOneInputStreamOperatorTestHarness<String, RollupRow, CoarseRollupRow> open(
            OperatorSubtaskState restoreFrom, boolean afterCheckpoints) throws Exception {
        function = new KpiRollupCoarsening(HORIZON, afterCheckpoints, POLL);
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(function),
                KpiRollupCoarsening::dayKey, Types.STRING);
        if (restoreFrom != null) h.initializeState(restoreFrom);
        h.open();
        return h;
    }

    /** An ANSWERED row of grain 0 with the given waits (none: a row whose facts fell away). */
    private static RollupRow answered(long slotMs, long version, long... waits) {
        TreeMap<Integer, Long> hist = new TreeMap<>();
        long sum = 0;
        long max = 0;
        for (long w : waits) {
            hist.merge(io.chatkpi.ingest.kpi.LogHistogram.key(w), 1L, Long::sum);
            sum += w;
            max = Math.max(max, w);
        }
        return new RollupRow(0, slotMs, "", "", "ANSWERED", "", false, waits.length, waits.length, sum, max,
                hist.keySet().stream().mapToInt(Integer::intValue).toArray(),
                hist.values().stream().mapToLong(Long::longValue).toArray(), version);
    }

    private static RollupRow started(int grain, long slotMs, String queue, long facts, long version) {
        return new RollupRow(grain, slotMs, queue, "", "STARTED", "", false, facts, 0, 0, 0, new int[0], new long[0],
                version);
    }

    private void input(RollupRow row) throws Exception {
        harness.processElement(row, row.slotMs());
    }

    private Map<String, CoarseRollupRow> written() {
        List<CoarseRollupRow> out = harness.extractOutputValues();
        harness.getOutput().clear();
        return out.stream().collect(Collectors.toMap(
                c -> c.spanSeconds() + "@" + (c.row().slotMs() - DAY) / HOUR + "/" + c.row().kind() + c.row().grain()
                        + c.row().queueId(),
                c -> c, (a, b) -> b, TreeMap::new));
    }

    @Test
    void theSlotsOfAnHourAndOfADayAddUpHistogramsMergedMaximaOfMaximaVersionsSummed() throws Exception {
        harness = open(null, false);
        input(answered(DAY, 2, 1_000, 50_000));
        input(answered(DAY + SLOT, 1, 1_000, 20_000, 4));
        input(answered(DAY + 3 * HOUR + 2 * SLOT, 5, 90_000));
        harness.processWatermark(DAY + 3 * HOUR + 3 * SLOT);

        Map<String, CoarseRollupRow> out = written();
        assertThat(out).containsOnlyKeys("3600@0/ANSWERED0", "3600@3/ANSWERED0", "86400@0/ANSWERED0");
        RollupRow first = out.get("3600@0/ANSWERED0").row();
        RollupRow expectedFirst = answered(DAY, 3, 1_000, 50_000, 1_000, 20_000, 4);
        assertThat(first).isEqualTo(expectedFirst);
        assertThat(first.histCounts()).contains(2L); // the two 1,000 ms waits of two slots share a key
        assertThat(out.get("3600@3/ANSWERED0").row()).isEqualTo(answered(DAY + 3 * HOUR, 5, 90_000));
        assertThat(out.get("86400@0/ANSWERED0").row())
                .isEqualTo(answered(DAY, 8, 1_000, 50_000, 1_000, 20_000, 4, 90_000));
    }

    @Test
    void aNewerRowOfASlotReplacesItsOlderOneAndOnlyItsHourAndTheDayAreWrittenAgain() throws Exception {
        harness = open(null, false);
        input(answered(DAY, 1, 10_000));
        input(answered(DAY + 5 * HOUR, 1, 30_000));
        harness.processWatermark(DAY + 6 * HOUR);
        written();

        // the maximum retracted in the slot: the hour's maximum is the slot's new one
        input(answered(DAY + 5 * HOUR, 3, 7_000));
        // an older version arriving late changes nothing
        input(answered(DAY + 5 * HOUR, 2, 99_000));
        harness.processWatermark(DAY + 6 * HOUR + 1);
        Map<String, CoarseRollupRow> out = written();
        assertThat(out).containsOnlyKeys("3600@5/ANSWERED0", "86400@0/ANSWERED0");
        assertThat(out.get("3600@5/ANSWERED0").row()).isEqualTo(answered(DAY + 5 * HOUR, 3, 7_000));
        assertThat(out.get("86400@0/ANSWERED0").row()).isEqualTo(answered(DAY, 4, 10_000, 7_000));

        // every fact of the hour fell away: the hour is written empty (facts 0, maximum 0, no histogram)
        input(answered(DAY + 5 * HOUR, 4));
        harness.processWatermark(DAY + 6 * HOUR + 2);
        out = written();
        assertThat(out.get("3600@5/ANSWERED0").row()).isEqualTo(answered(DAY + 5 * HOUR, 4));
        assertThat(out.get("86400@0/ANSWERED0").row()).isEqualTo(answered(DAY, 5, 10_000));
    }

    @Test
    void rowsOfOtherGrainsQueuesOrDaysAreOtherKeys() throws Exception {
        harness = open(null, false);
        input(started(0, DAY, "", 3, 1));
        input(started(1, DAY, "tech", 2, 1));
        input(started(1, DAY, "billing", 1, 1));
        input(started(1, DAY + 24 * HOUR, "tech", 7, 1));
        harness.processWatermark(DAY + 25 * HOUR);
        Map<String, CoarseRollupRow> out = written();
        assertThat(out).containsOnlyKeys("3600@0/STARTED0", "86400@0/STARTED0", "3600@0/STARTED1tech",
                "86400@0/STARTED1tech", "3600@0/STARTED1billing", "86400@0/STARTED1billing", "3600@24/STARTED1tech",
                "86400@24/STARTED1tech");
        assertThat(out.get("86400@0/STARTED1tech").row().facts()).isEqualTo(2);
        assertThat(out.get("86400@24/STARTED1tech").row().facts()).isEqualTo(7);
    }

    @Test
    void aDayIsDroppedAfterItsEndAndTheHorizonAndALaterRowIsCountedNotWritten() throws Exception {
        harness = open(null, false);
        input(started(0, DAY + 23 * HOUR, "", 1, 1));
        harness.processWatermark(DAY + 24 * HOUR + HORIZON - 1);
        assertThat(written()).hasSize(2);
        input(started(0, DAY + 23 * HOUR, "", 2, 2));
        harness.processWatermark(DAY + 24 * HOUR + HORIZON);
        assertThat(written()).hasSize(2);
        assertThat(harness.numKeyedStateEntries()).isZero();

        input(started(0, DAY + 23 * HOUR, "", 3, 3));
        harness.processWatermark(DAY + 24 * HOUR + HORIZON + 1);
        assertThat(written()).isEmpty();
        assertThat(function.droppedLateRowCount()).isEqualTo(1);
    }

    @Test
    void whenTheJobCheckpointsRowsComeOutOnTheProcessingTimePollWithoutAWatermark() throws Exception {
        harness = open(null, true);
        harness.setProcessingTime(0);
        input(started(0, DAY, "", 1, 1));
        input(started(0, DAY + SLOT, "", 1, 1));
        assertThat(written()).isEmpty();
        harness.setProcessingTime(POLL);
        Map<String, CoarseRollupRow> out = written();
        assertThat(out.get("3600@0/STARTED0").row().facts()).isEqualTo(2);
        assertThat(out.get("86400@0/STARTED0").row().version()).isEqualTo(2);
    }

    @Test
    void theSlotRowsSurviveARestore() throws Exception {
        harness = open(null, false);
        input(started(0, DAY, "", 4, 1));
        harness.processWatermark(DAY + SLOT);
        written();
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        harness = open(snapshot, false);
        input(started(0, DAY + SLOT, "", 1, 1));
        harness.processWatermark(DAY + 2 * SLOT);
        Map<String, CoarseRollupRow> out = written();
        assertThat(out.get("3600@0/STARTED0").row().facts()).isEqualTo(5);
        assertThat(out.get("86400@0/STARTED0").row().version()).isEqualTo(2);
    }
}
