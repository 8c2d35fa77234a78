package io.chatkpi.jobs.kpi;

import static io.chatkpi.jobs.kpi.SessionEventFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RollupRowCombinerTest {

    private OneInputStreamOperatorTestHarness<FactChange, RollupRowDelta> harness;

    @BeforeEach
    void open() throws Exception {
        harness = harness(new RollupRowCombiner());
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static OneInputStreamOperatorTestHarness<FactChange, RollupRowDelta> harness(RollupRowCombiner combiner)
            throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(combiner);
        h.open();
        return h;
    }

    private static KpiFact handle(String id, String queue, String rep, long value) {
        return new KpiFact("s/HANDLE/" + id, "s", FactKind.HANDLE, T0, queue, rep, value, "", false, 1, false);
    }

    private static KpiFact queued(String id, String queue) {
        return new KpiFact("s/QUEUED/" + id, "s", FactKind.QUEUED, T0, queue, "", null, "", false, 1, false);
    }

    private List<RollupRowDelta> sent() {
        return harness.extractOutputValues();
    }

    private static RollupRowDelta row(List<RollupRowDelta> deltas, int grain, String queue, String rep) {
        return deltas.stream().filter(d -> d.grain() == grain && d.queueId().equals(queue) && d.repId().equals(rep))
                .reduce((a, b) -> {
                    throw new AssertionError("two deltas for one row: " + a + ", " + b);
                }).orElseThrow(() -> new AssertionError("no delta for " + grain + " " + queue + "/" + rep));
    }

    @Test
    void changesToARowBetweenTwoWatermarksAreSentAsOneDeltaBeforeTheWatermark() throws Exception {
        harness.processElement(new FactChange(null, handle("a", "sales", "alice", 10_000)), T0);
        harness.processElement(new FactChange(null, handle("b", "sales", "bob", 20_000)), T0);
        harness.processElement(new FactChange(handle("a", "sales", "alice", 10_000), handle("a", "sales", "alice",
                15_000)), T0);
        harness.processElement(new FactChange(null, queued("c", "support")), T0);
        assertThat(sent()).as("held until the watermark").isEmpty();

        harness.processWatermark(T0 + 1);
        List<Object> out = List.copyOf(harness.getOutput());
        assertThat(out.get(out.size() - 1)).as("the watermark comes after the deltas")
                .isInstanceOf(org.apache.flink.streaming.api.watermark.Watermark.class);
        List<RollupRowDelta> deltas = sent();
        RollupRowDelta all = row(deltas.stream().filter(d -> d.kind().equals("HANDLE")).toList(), 0, "", "");
        assertThat(all.valuesAdded()).containsExactly(10_000, 20_000, 15_000);
        assertThat(all.valuesSubtracted()).containsExactly(10_000);
        assertThat(all.changes()).isEqualTo(4);
        assertThat(row(deltas.stream().filter(d -> d.kind().equals("HANDLE")).toList(), 2, "sales", "bob")
                .valuesAdded()).containsExactly(20_000);
        RollupRowDelta queuedAll = row(deltas.stream().filter(d -> d.kind().equals("QUEUED")).toList(), 0, "", "");
        assertThat(queuedAll.factsAdded()).isEqualTo(1);
        assertThat(queuedAll.valuesAdded()).isEmpty();
        assertThat(deltas).as("HANDLE: all, sales, sales/alice, sales/bob; QUEUED: all, support, support/")
                .hasSize(7);
        assertThat(deltas).allSatisfy(d -> assertThat(d.rowKey()).isEqualTo(new RollupRowChange(d.grain(),
                d.slotMs(), d.queueId(), d.repId(), d.kind(), d.detail(), d.flag(), 1, null).rowKey()));
    }

    @Test
    void nothingIsHeldAcrossACheckpointBarrier() throws Exception {
        harness.processElement(new FactChange(null, queued("c", "support")), T0);
        harness.prepareSnapshotPreBarrier(1);
        assertThat(sent()).hasSize(3);
    }

    @Test
    void theEndOfTheInputSendsWhatIsHeld() throws Exception {
        harness.processElement(new FactChange(null, queued("c", "support")), T0);
        harness.getOneInputOperator().finish(); // what the task calls at the end of a bounded input
        assertThat(sent()).hasSize(3);
    }

    @Test
    void aBatchIsSentWhenItReachesMaxRows() throws Exception {
        harness.close();
        harness = harness(new RollupRowCombiner(4));
        harness.processElement(new FactChange(null, queued("a", "q1")), T0);
        assertThat(sent()).as("3 rows held").isEmpty();
        harness.processElement(new FactChange(null, queued("b", "q2")), T0);
        assertThat(sent()).as("5 rows reached the bound of 4").hasSize(5);
    }
}
