package io.chatkpi.jobs.kpi;

import static io.chatkpi.jobs.kpi.SessionEventFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatkpi.ingest.kpi.LogHistogram;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KpiRollupFunctionTest {

    private static final long HORIZON = 3_600_000;
    private static final long SLOT = RollupRowChange.slotOf(T0);
    private static final long POLL = 1_000;

    private KpiRollupFunction function;
    private KeyedOneInputStreamOperatorTestHarness<String, RollupRowDelta, RollupRow> harness;
    /** When set, changes go through a {@link RollupRowCombiner} first, sent on at each watermark. */
    private OneInputStreamOperatorTestHarness<FactChange, RollupRowDelta> combiner;
    private final Map<String, KpiFact> emitted = new HashMap<>();

    @BeforeEach
    void open() throws Exception {
        harness = harness(null);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private KeyedOneInputStreamOperatorTestHarness<String, RollupRowDelta, RollupRow> harness(
            OperatorSubtaskState restoreFrom) throws Exception {
        return harness(restoreFrom, false);
    }

    private KeyedOneInputStreamOperatorTestHarness<String, RollupRowDelta, RollupRow> harness(
            OperatorSubtaskState restoreFrom, boolean afterCheckpoints) throws Exception {
        function = new KpiRollupFunction(HORIZON, afterCheckpoints);
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KpiRollupOperator(function), RollupRowDelta::rowKey, Types.STRING);
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        return h;
    }

    private static KpiFact fact(String id, FactKind kind, long atMs, String queue, String rep, Long valueMs,
            String detail, boolean flag) {
        return new KpiFact("s/" + kind + "/" + id, "s", kind, atMs, queue, rep, valueMs, detail, flag, 1, false);
    }

    private static KpiFact answered(String id, long at, String queue, String rep, long wait) {
        return fact(id, FactKind.ANSWERED, T0 + at, queue, rep, wait, "", wait <= 60_000);
    }

    /** Emits {@code fact} as SessionKpiFunction would: a change from what was emitted before for its id. */
    private void emit(KpiFact fact) throws Exception {
        FactChange change = new FactChange(emitted.get(fact.factId()), fact);
        emitted.put(fact.factId(), fact);
        if (combiner != null) {
            combiner.processElement(change, fact.atMs());
            return;
        }
        List<RollupRowChange> rows = new ArrayList<>();
        new FactChangeRows().flatMap(change, collector(rows));
        for (RollupRowChange r : rows) {
            harness.processElement(RollupRowDelta.of(r), fact.atMs());
        }
    }

    private void retract(String factId) throws Exception {
        KpiFact before = emitted.get(factId);
        emit(before.asDeleted(before.version() + 1));
    }

    private void watermark(long ms) throws Exception {
        if (combiner != null) {
            combiner.processWatermark(ms);
            for (RollupRowDelta delta : combiner.extractOutputValues()) {
                harness.processElement(delta, ms);
            }
            combiner.getOutput().clear();
        }
        harness.processWatermark(ms);
    }

    private List<RollupRow> written() {
        return harness.extractOutputValues();
    }

    /** The last row written per row identity: what ClickHouse FINAL shows. */
    private Map<String, RollupRow> finalRows() {
        Map<String, RollupRow> last = new TreeMap<>();
        for (RollupRow r : written()) {
            String id = r.grain() + " " + r.slotMs() + " " + r.queueId() + "/" + r.repId() + " " + r.kind() + " "
                    + r.detail() + " " + r.flag();
            RollupRow before = last.get(id);
            assertThat(before == null || r.version() > before.version())
                    .as("a rewrite of %s must carry a higher version", id).isTrue();
            last.put(id, r);
        }
        return last;
    }

    private RollupRow row(int grain, String queue, String rep, String kind) {
        return finalRows().values().stream()
                .filter(r -> r.grain() == grain && r.queueId().equals(queue) && r.repId().equals(rep)
                        && r.kind().equals(kind))
                .reduce((a, b) -> {
                    throw new AssertionError("two rows: " + a + ", " + b);
                })
                .orElseThrow(() -> new AssertionError("no row " + grain + " " + queue + "/" + rep + " " + kind
                        + " in " + finalRows().values()));
    }

    @Test
    void aFactCountsInItsThreeRowsAndAReplacementMovesIt() throws Exception {
        emit(answered("a", 1_000, "sales", "alice", 10_000));
        emit(fact("b", FactKind.STARTED, T0, "sales", "", null, "", false));
        watermark(T0 + 2_000);

        assertThat(row(0, "", "", "ANSWERED")).extracting(RollupRow::facts, RollupRow::valueCount,
                RollupRow::valueSumMs, RollupRow::valueMaxMs, RollupRow::flag).containsExactly(1L, 1L, 10_000L,
                10_000L, true);
        assertThat(row(1, "sales", "", "ANSWERED").facts()).isEqualTo(1);
        assertThat(row(2, "sales", "alice", "ANSWERED").facts()).isEqualTo(1);
        assertThat(row(0, "", "", "STARTED")).extracting(RollupRow::facts, RollupRow::valueCount,
                RollupRow::valueMaxMs).containsExactly(1L, 0L, 0L);
        assertThat(row(0, "", "", "STARTED").histKeys()).isEmpty();

        // a late event: the same answer was bob's after 70 s, outside the service level
        emit(answered("a", 1_000, "sales", "bob", 70_000));
        watermark(T0 + 3_000);

        assertThat(finalRows().values()).filteredOn(r -> r.kind().equals("ANSWERED"))
                .extracting(r -> r.grain() + " " + r.queueId() + "/" + r.repId() + " " + r.flag() + " " + r.facts()
                        + " " + r.valueSumMs() + " " + r.valueMaxMs())
                .containsExactlyInAnyOrder(
                        "0 / true 0 0 0", "1 sales/ true 0 0 0", "2 sales/alice true 0 0 0",
                        "0 / false 1 70000 70000", "1 sales/ false 1 70000 70000", "2 sales/bob false 1 70000 70000");

        retract("s/ANSWERED/a");
        watermark(T0 + 4_000);
        assertThat(finalRows().values()).filteredOn(r -> r.kind().equals("ANSWERED"))
                .allSatisfy(r -> assertThat(r.facts()).isZero());
        assertThat(finalRows().values()).filteredOn(r -> r.kind().equals("ANSWERED") && !r.flag())
                .allSatisfy(r -> {
                    assertThat(r.valueCount()).isZero();
                    assertThat(r.valueSumMs()).isZero();
                    assertThat(r.valueMaxMs()).isZero();
                    assertThat(r.histKeys()).isEmpty();
                    assertThat(r.histCounts()).isEmpty();
                });
    }

    /**
     * Deltas come decoded from the network, each with its own Strings; the rows kept share one instance per queue,
     * rep, kind and detail value (the rows written refer to those). Here queue and rep come as copies.
     */
    @Test
    void rowsShareOneInstancePerIdentityValue() throws Exception {
        emit(answered("a", 0, new String("sales"), new String("alice"), 10_000));
        emit(answered("b", 2 * 3_600_000, new String("sales"), new String("alice"), 20_000));
        watermark(T0 + 3 * 3_600_000);

        // the rows of the queue and rep (grain 2), one per slot
        List<RollupRow> rows = written().stream().filter(r -> r.grain() == 2).toList();
        assertThat(rows).extracting(RollupRow::slotMs).doesNotHaveDuplicates().hasSize(2);
        assertThat(rows.get(1).queueId()).isSameAs(rows.get(0).queueId());
        assertThat(rows.get(1).repId()).isSameAs(rows.get(0).repId());
    }

    @Test
    void theMaximumIsExactAfterTheMaximumIsRetracted() throws Exception {
        // 5000 and 4990 share a histogram key: the next maximum must come from the values, not the key
        assertThat(LogHistogram.key(5_000)).isEqualTo(LogHistogram.key(4_990));
        emit(answered("a", 0, "q", "r", 100));
        emit(answered("b", 10, "q", "r", 5_000));
        emit(answered("c", 20, "q", "r", 4_990));
        emit(answered("d", 30, "q", "r", 5_000));
        watermark(T0 + 100);
        assertThat(row(2, "q", "r", "ANSWERED").valueMaxMs()).isEqualTo(5_000);

        retract("s/ANSWERED/b");
        watermark(T0 + 200);
        assertThat(row(2, "q", "r", "ANSWERED").valueMaxMs()).as("5000 is still there once").isEqualTo(5_000);

        retract("s/ANSWERED/d");
        watermark(T0 + 300);
        assertThat(row(2, "q", "r", "ANSWERED").valueMaxMs()).isEqualTo(4_990);

        retract("s/ANSWERED/c");
        watermark(T0 + 400);
        assertThat(row(2, "q", "r", "ANSWERED")).extracting(RollupRow::valueMaxMs, RollupRow::valueCount,
                RollupRow::valueSumMs).containsExactly(100L, 1L, 100L);
        assertThat(row(2, "q", "r", "ANSWERED").histKeys()).containsExactly(LogHistogram.key(100));
    }

    @Test
    void histogramCountsEachValueUnderItsKey() throws Exception {
        long[] waits = {0, 0, 1, 2, 999, 1_000, 1_001, 60_000, 60_000, 3_600_000};
        for (int i = 0; i < waits.length; i++) {
            emit(fact("w" + i, FactKind.HANDLE, T0 + i, "q", "r", waits[i], "", false));
        }
        watermark(T0 + 1_000);

        Map<Integer, Long> expected = new TreeMap<>();
        for (long w : waits) {
            expected.merge(LogHistogram.key(w), 1L, Long::sum);
        }
        RollupRow r = row(0, "", "", "HANDLE");
        Map<Integer, Long> actual = new LinkedHashMap<>();
        for (int i = 0; i < r.histKeys().length; i++) {
            actual.put(r.histKeys()[i], r.histCounts()[i]);
        }
        assertThat(actual).containsExactlyEntriesOf(expected); // keys ascending, one entry per key
        assertThat(r.valueSumMs()).isEqualTo(3_723_003L);
        assertThat(r.valueMaxMs()).isEqualTo(3_600_000L);
        assertThat(LogHistogram.quantile(0.5, r.histKeys(), r.histCounts())).isCloseTo(1_000L,
                org.assertj.core.data.Percentage.withPercentage(1));
    }

    @Test
    void changesBetweenTwoWatermarksAreWrittenOnceAndVersionCountsThem() throws Exception {
        for (int i = 0; i < 5; i++) {
            emit(fact("q" + i, FactKind.QUEUED, T0 + i, "sales", "", null, "", false));
        }
        assertThat(written()).as("nothing before the watermark").isEmpty();
        // one write timer per row (3 rows), one cleanup timer per row
        assertThat(harness.numEventTimeTimers()).isEqualTo(6);

        watermark(T0 + 10);
        assertThat(written()).hasSize(3).allSatisfy(r -> {
            assertThat(r.facts()).isEqualTo(5);
            assertThat(r.version()).isEqualTo(5);
        });

        watermark(T0 + 20);
        assertThat(written()).as("no change, no write").hasSize(3);

        retract("s/QUEUED/q0");
        emit(fact("q5", FactKind.QUEUED, T0 + 15, "sales", "", null, "", false));
        watermark(T0 + 30);
        assertThat(written()).hasSize(6);
        assertThat(finalRows().values()).allSatisfy(r -> {
            assertThat(r.facts()).isEqualTo(5);
            assertThat(r.version()).as("changes applied: 5 + 1 retraction + 1 addition").isEqualTo(7);
        });
    }

    @Test
    void aRowIsDroppedAfterItsHorizonAndLaterChangesAreCounted() throws Exception {
        emit(answered("a", 0, "q", "r", 1_000));
        watermark(T0 + 1_000);
        assertThat(harness.numKeyedStateEntries()).isPositive();

        watermark(SLOT + RollupRowChange.SLOT_MS + HORIZON - 1);
        assertThat(harness.numKeyedStateEntries()).as("kept until the horizon").isPositive();
        emit(answered("b", 10, "q", "r", 2_000));
        watermark(SLOT + RollupRowChange.SLOT_MS + HORIZON);
        assertThat(row(0, "", "", "ANSWERED").facts()).as("a change just inside the horizon counts").isEqualTo(2);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(function.droppedLateChangeCount()).isZero();

        int before = written().size();
        emit(answered("c", 20, "q", "r", 3_000));
        watermark(SLOT + RollupRowChange.SLOT_MS + HORIZON + 1_000);
        assertThat(written()).hasSize(before);
        assertThat(function.droppedLateChangeCount()).isEqualTo(3);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void stateSurvivesASnapshotAndRestore() throws Exception {
        emit(answered("a", 0, "q", "r", 1_000));
        emit(answered("b", 1, "q", "r", 9_000));
        watermark(T0 + 100);
        emit(answered("c", 2, "q", "r", 5_000)); // pending at the snapshot: its write timer travels with it
        OperatorSubtaskState snapshot = harness.snapshot(1, T0 + 200);
        harness.close();

        harness = harness(snapshot);
        retract("s/ANSWERED/b");
        watermark(T0 + 300);
        RollupRow r = row(2, "q", "r", "ANSWERED");
        assertThat(r).extracting(RollupRow::facts, RollupRow::valueSumMs, RollupRow::valueMaxMs, RollupRow::version)
                .containsExactly(2L, 6_000L, 5_000L, 4L);
        assertThat(written()).as("written once after the restore, the pending write included").hasSize(3);
    }

    @Test
    void aRetractionOfAFactTheRowDoesNotHoldChangesNothingAndIsCounted() throws Exception {
        emit(answered("a", 0, "q", "r", 1_000));
        watermark(T0 + 100);
        emitted.put("s/ANSWERED/x", answered("x", 0, "q", "r", 2_000)); // never added
        retract("s/ANSWERED/x");
        watermark(T0 + 200);
        assertThat(function.unmatchedRetractionCount()).isEqualTo(3);
        assertThat(row(0, "", "", "ANSWERED")).extracting(RollupRow::facts, RollupRow::valueSumMs,
                RollupRow::version).containsExactly(1L, 1_000L, 1L);
    }

    /** Random adds, replacements and retractions: every row as a brute-force recount of the live facts says. */
    @Test
    void randomChangesEndAsARecountOfTheLiveFacts() throws Exception {
        randomChangesEndAsARecount(11);
    }

    /** The same, with the changes combined per row between watermarks as the job does. */
    @Test
    void randomChangesCombinedPerRowEndAsARecountOfTheLiveFacts() throws Exception {
        combiner = new OneInputStreamOperatorTestHarness<>(new RollupRowCombiner());
        combiner.open();
        try {
            randomChangesEndAsARecount(11);
        } finally {
            combiner.close();
        }
    }

    private void randomChangesEndAsARecount(long seed) throws Exception {
        Random rnd = new Random(seed);
        String[] queues = {"a", "b"};
        String[] reps = {"x", "y", ""};
        long wm = T0;
        for (int i = 0; i < 2_000; i++) {
            String id = "f" + rnd.nextInt(150);
            KpiFact before = emitted.get(id.isEmpty() ? null : "s/HANDLE/" + id);
            if (before != null && !before.deleted() && rnd.nextInt(4) == 0) {
                retract(before.factId());
            } else {
                long value = rnd.nextInt(3) == 0 ? rnd.nextInt(5) * 1_000L : rnd.nextInt(100_000);
                emit(fact(id, FactKind.HANDLE, T0 + rnd.nextInt(3) * RollupRowChange.SLOT_MS + rnd.nextInt(1_000),
                        queues[rnd.nextInt(2)], reps[rnd.nextInt(3)], value, "", false));
            }
            if (rnd.nextInt(20) == 0) {
                watermark(wm += 1);
            }
        }
        watermark(wm + 1);

        Map<String, List<Long>> expected = new TreeMap<>();
        for (KpiFact f : emitted.values()) {
            if (f.deleted()) {
                continue;
            }
            for (RollupRowChange c : RollupRowChange.of(f, 1)) {
                expected.computeIfAbsent(c.grain() + " " + c.slotMs() + " " + c.queueId() + "/" + c.repId(),
                        k -> new ArrayList<>()).add(f.valueMs());
            }
        }
        Map<String, RollupRow> actual = new TreeMap<>();
        finalRows().values().stream().filter(r -> r.facts() != 0)
                .forEach(r -> actual.put(r.grain() + " " + r.slotMs() + " " + r.queueId() + "/" + r.repId(), r));
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((id, values) -> {
            RollupRow r = actual.get(id);
            TreeMap<Integer, Long> hist = new TreeMap<>();
            values.forEach(v -> hist.merge(LogHistogram.key(v), 1L, Long::sum));
            assertThat(r.facts()).as(id).isEqualTo(values.size());
            assertThat(r.valueCount()).as(id).isEqualTo(values.size());
            assertThat(r.valueSumMs()).as(id).isEqualTo(values.stream().mapToLong(Long::longValue).sum());
            assertThat(r.valueMaxMs()).as(id).isEqualTo(values.stream().mapToLong(Long::longValue).max().getAsLong());
            assertThat(r.histKeys()).as(id).containsExactly(hist.keySet().stream().mapToInt(Integer::intValue).toArray());
            assertThat(r.histCounts()).as(id).containsExactly(hist.values().stream().mapToLong(Long::longValue).toArray());
        });
        assertThat(function.unmatchedRetractionCount()).isZero();
    }

    private void pollTime(long ms) throws Exception {
        harness.setProcessingTime(ms);
    }

    /** With checkpoints: a row is written only as a completed checkpoint holds it, once that completes. */
    @Test
    void withCheckpointsARowIsWrittenAsTheCompletedCheckpointHoldsIt() throws Exception {
        harness.close();
        harness = harness(null, true);
        pollTime(0);
        emit(fact("a", FactKind.QUEUED, T0, "q", "", null, "", false));
        watermark(T0 + 10);
        pollTime(5 * POLL);
        assertThat(written()).as("no checkpoint yet").isEmpty();

        harness.snapshot(1, 5 * POLL);
        emit(fact("b", FactKind.QUEUED, T0 + 20, "q", "", null, "", false)); // after snapshot 1
        pollTime(10 * POLL);
        assertThat(written()).as("checkpoint 1 not complete").isEmpty();

        harness.notifyOfCompletedCheckpoint(1);
        pollTime(15 * POLL);
        assertThat(written()).as("the rows as checkpoint 1 holds them, not with b").hasSize(3)
                .allSatisfy(r -> assertThat(r).extracting(RollupRow::facts, RollupRow::version)
                        .containsExactly(1L, 1L));

        harness.snapshot(2, 15 * POLL);
        harness.notifyOfCompletedCheckpoint(2);
        pollTime(20 * POLL);
        assertThat(written()).hasSize(6);
        assertThat(finalRows().values()).allSatisfy(r -> assertThat(r).extracting(RollupRow::facts,
                RollupRow::version).containsExactly(2L, 2L));
        pollTime(30 * POLL);
        assertThat(written()).as("nothing left to write").hasSize(6);
    }

    /** Rows are written when the checkpoint holding them completes, with no timer per waiting row. */
    @Test
    void withCheckpointsRowsAreWrittenAtTheCompletionWithoutPollTimers() throws Exception {
        harness.close();
        harness = harness(null, true);
        emit(fact("a", FactKind.QUEUED, T0, "q", "", null, "", false));
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(function.rowsAwaitingWrite()).isEqualTo(3);
        harness.snapshot(1, 0);
        assertThat(written()).isEmpty();
        harness.notifyOfCompletedCheckpoint(1);
        assertThat(written()).hasSize(3).allSatisfy(r -> assertThat(r.facts()).isEqualTo(1));
        assertThat(function.rowsAwaitingWrite()).isZero();
    }

    /** A row not written before a failure (its checkpoint never completed) is written at the first after the restore. */
    @Test
    void withCheckpointsARowNotWrittenBeforeAFailureIsWrittenAfterTheRestore() throws Exception {
        harness.close();
        harness = harness(null, true);
        emit(fact("a", FactKind.QUEUED, T0, "q", "", null, "", false));
        OperatorSubtaskState checkpoint = harness.snapshot(1, 0);
        harness.close(); // fails before checkpoint 1 is confirmed; the job restores from it

        harness = harness(checkpoint, true);
        assertThat(function.rowsAwaitingWrite()).as("found in the restored rows").isEqualTo(3);
        assertThat(written()).isEmpty();
        harness.snapshot(2, 0);
        harness.notifyOfCompletedCheckpoint(2);
        assertThat(written()).hasSize(3).allSatisfy(r -> assertThat(r.facts()).isEqualTo(1));
    }

    /** A row that changes between every two snapshots is still written, as each completed checkpoint holds it. */
    @Test
    void withCheckpointsARowThatKeepsChangingIsWrittenPerCheckpoint() throws Exception {
        harness.close();
        harness = harness(null, true);
        pollTime(0);
        for (int cp = 1; cp <= 3; cp++) {
            emit(fact("a" + cp, FactKind.QUEUED, T0 + cp, "q", "", null, "", false));
            harness.snapshot(cp, cp * POLL);
            emit(fact("b" + cp, FactKind.QUEUED, T0 + cp, "q", "", null, "", false));
            harness.notifyOfCompletedCheckpoint(cp);
            pollTime(cp * POLL + 2 * POLL);
        }
        assertThat(written()).filteredOn(r -> r.grain() == 0).extracting(RollupRow::facts)
                .as("as checkpoints 1, 2 and 3 held it").containsExactly(1L, 3L, 5L);
    }

    /**
     * After a failure, the restored operator gets other changes than the lost run (another batching upstream): no
     * row written before the failure may hold content that the restored state does not, or a version above it.
     */
    @Test
    void withCheckpointsNothingNewerThanTheRestoredCheckpointWasWritten() throws Exception {
        harness.close();
        harness = harness(null, true);
        pollTime(0);
        emit(fact("s", FactKind.STARTED, T0, "sales", "", null, "", false));
        OperatorSubtaskState checkpoint = harness.snapshot(1, 0);
        harness.notifyOfCompletedCheckpoint(1);
        // the lost run: the STARTED moves to another queue, a transient fact comes and goes
        emit(fact("s", FactKind.STARTED, T0, "support", "", null, "", false));
        pollTime(5 * POLL);
        List<RollupRow> beforeFailure = new ArrayList<>(written());
        assertThat(beforeFailure).extracting(RollupRow::queueId, RollupRow::facts)
                .as("only what checkpoint 1 holds").containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("", 1L), org.assertj.core.groups.Tuple.tuple("sales", 1L),
                        org.assertj.core.groups.Tuple.tuple("sales", 1L));
        harness.close();

        harness = harness(checkpoint, true);
        pollTime(6 * POLL);
        emitted.put("s/STARTED/s", fact("s", FactKind.STARTED, T0, "sales", "", null, "", false));
        emit(fact("s", FactKind.STARTED, T0, "vip", "", null, "", false));
        harness.snapshot(2, 6 * POLL);
        harness.notifyOfCompletedCheckpoint(2);
        pollTime(8 * POLL);
        List<RollupRow> all = new ArrayList<>(beforeFailure);
        all.addAll(written());
        Map<String, RollupRow> last = new TreeMap<>();
        for (RollupRow r : all) {
            String id = r.grain() + " " + r.queueId() + "/" + r.repId();
            if (!last.containsKey(id) || r.version() >= last.get(id).version()) {
                last.put(id, r); // ClickHouse: the highest version, the later insert of equal ones
            }
        }
        assertThat(last.values()).filteredOn(r -> r.facts() != 0)
                .extracting(r -> r.grain() + " " + r.queueId() + " " + r.facts())
                .containsExactlyInAnyOrder("0  1", "1 vip 1", "2 vip 1");
    }

    private static <T> Collector<T> collector(List<T> into) {
        return new Collector<>() {
            @Override
            public void collect(T record) {
                into.add(record);
            }

            @Override
            public void close() {}
        };
    }
}
