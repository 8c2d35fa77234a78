package io.chatkpi.jobs.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

class FactChangeRowsTest {

    private static final long AT = 1_767_225_600_000L + 14 * 60_000 + 59_999; // 00:14:59.999: slot 00:00

    private static KpiFact fact(String queue, String rep, Long value, boolean deleted) {
        return new KpiFact("s/HANDLE/e", "s", FactKind.HANDLE, AT, queue, rep, value, "", false, 1, deleted);
    }

    private static List<String> rows(FactChange change) {
        List<String> out = new ArrayList<>();
        new FactChangeRows().flatMap(change, new Collector<>() {
            @Override
            public void collect(RollupRowChange c) {
                out.add(c.sign() + " " + c.grain() + " " + c.queueId() + "/" + c.repId() + " " + c.valueMs() + " "
                        + (c.slotMs() == 1_767_225_600_000L));
            }

            @Override
            public void close() {}
        });
        return out;
    }

    @Test
    void aNewFactAddsToItsThreeRowsInItsSlot() {
        assertThat(rows(new FactChange(null, fact("q", "r", 5L, false))))
                .containsExactly("1 0 / 5 true", "1 1 q/ 5 true", "1 2 q/r 5 true");
    }

    @Test
    void aReplacementSubtractsTheOldFromTheRowsItLeavesAndAddsTheNew() {
        assertThat(rows(new FactChange(fact("q", "r", 5L, false), fact("q", "t", 5L, false))))
                .as("same value, same queue: only the rep rows change")
                .containsExactly("-1 2 q/r 5 true", "1 2 q/t 5 true");
        assertThat(rows(new FactChange(fact("q", "r", 5L, false), fact("q", "r", 7L, false))))
                .containsExactly("-1 0 / 5 true", "1 0 / 7 true", "-1 1 q/ 5 true", "1 1 q/ 7 true",
                        "-1 2 q/r 5 true", "1 2 q/r 7 true");
    }

    @Test
    void deletedFactsAreNeitherSubtractedNorAdded() {
        assertThat(rows(new FactChange(fact("q", "r", 5L, false), fact("q", "r", 5L, true))))
                .containsExactly("-1 0 / 5 true", "-1 1 q/ 5 true", "-1 2 q/r 5 true");
        assertThat(rows(new FactChange(fact("q", "r", 5L, true), fact("q", "r", 5L, false))))
                .containsExactly("1 0 / 5 true", "1 1 q/ 5 true", "1 2 q/r 5 true");
    }

    @Test
    void rowKeysTellRowsApartWhateverTheirText() {
        RollupRowChange a = new RollupRowChange(2, 0, "a|1", "", "HANDLE", "", false, 1, null);
        RollupRowChange b = new RollupRowChange(2, 0, "a", "|1", "HANDLE", "", false, 1, null);
        assertThat(a.rowKey()).isNotEqualTo(b.rowKey());
        assertThat(RollupRowChange.slotOf(-1)).isEqualTo(-RollupRowChange.SLOT_MS);
    }
}
