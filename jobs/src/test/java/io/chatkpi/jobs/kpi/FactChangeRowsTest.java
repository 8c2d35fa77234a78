package io.chatkpi.jobs.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
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

    @Test
    void aRowIsLeftAloneExactlyWhenItsKeyAndValueStayTheSame() {
        // the rule the field-by-field comparison replaced: same row key and same value
        Random random = new Random(6);
        String[] texts = {"", "a", "b", "a|1", "|1"};
        FactKind[] kinds = {FactKind.HANDLE, FactKind.ANSWERED};
        for (int i = 0; i < 20_000; i++) {
            KpiFact before = randomFact(random, texts, kinds);
            KpiFact after = randomFact(random, texts, kinds);
            List<String> expected = new ArrayList<>();
            RollupRowChange[] subtract = RollupRowChange.of(before, -1);
            RollupRowChange[] add = RollupRowChange.of(after, 1);
            for (int grain = 0; grain < 3; grain++) {
                if (subtract[grain].rowKey().equals(add[grain].rowKey())
                        && Objects.equals(subtract[grain].valueMs(), add[grain].valueMs())) {
                    continue;
                }
                expected.add(subtract[grain].toString());
                expected.add(add[grain].toString());
            }
            List<String> actual = new ArrayList<>();
            new FactChangeRows().flatMap(new FactChange(before, after), new Collector<>() {
                @Override
                public void collect(RollupRowChange c) {
                    actual.add(c.toString());
                }

                @Override
                public void close() {}
            });
            assertThat(actual).as("%s -> %s", before, after).isEqualTo(expected);
        }
    }

    private static KpiFact randomFact(Random random, String[] texts, FactKind[] kinds) {
        long at = AT + random.nextInt(3) * RollupRowChange.SLOT_MS / 2;
        Long value = random.nextInt(4) == 0 ? null : (long) random.nextInt(3);
        return new KpiFact("s/x/e", "s", kinds[random.nextInt(kinds.length)], at, texts[random.nextInt(texts.length)],
                texts[random.nextInt(texts.length)], value, texts[random.nextInt(texts.length)], random.nextBoolean(), 1,
                false);
    }
}
