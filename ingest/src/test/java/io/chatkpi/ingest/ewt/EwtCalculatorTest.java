package io.chatkpi.ingest.ewt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EwtCalculatorTest {

    private static final long T = 1_764_064_800_000L; // 2025-11-25T10:00:00Z
    private static final long MIN = 60_000L;
    private final EwtCalculator calc = EwtCalculator.defaults();

    @Test
    void defaultsAreTenMinutesAndTenSamples() {
        assertThat(calc.windowMs()).isEqualTo(10 * MIN);
        assertThat(calc.maxSamples()).isEqualTo(10);
    }

    @Test
    void threeSamplesUseWeightsTenNineEight() {
        // oldest first: 10 s, 20 s, 30 s → newest first w1 = 30 s, w2 = 20 s, w3 = 10 s
        List<WaitSample> s = List.of(new WaitSample(T - 3 * MIN, 10_000), new WaitSample(T - 2 * MIN, 20_000),
                new WaitSample(T - MIN, 30_000));
        EwtFigures f = calc.at(s, T);
        // (10·30000 + 9·20000 + 8·10000) / (10 + 9 + 8) = 560000 / 27 = 20740.74 → 20741
        assertThat(f).isEqualTo(new EwtFigures(20_741L, 20_000L, 20_000L, 30_000L, 3));
    }

    @Test
    void oneSampleIsItsOwnEstimate() {
        EwtFigures f = calc.at(List.of(new WaitSample(T, 42_000)), T);
        assertThat(f).isEqualTo(new EwtFigures(42_000L, 42_000L, 42_000L, 42_000L, 1));
    }

    @Test
    void tenSamplesUseWeightsTenDownToOne() {
        // newest first w_i = i s (i = 1..10): Σ(11−i)·i·1000 = 220000 over Σ weights 55
        List<WaitSample> oldestFirst = new ArrayList<>();
        for (int i = 10; i >= 1; i--) oldestFirst.add(new WaitSample(T - i * 1000L, i * 1000L));
        EwtFigures f = calc.at(oldestFirst, T);
        assertThat(f).isEqualTo(new EwtFigures(4_000L, 5_500L, 5_000L, 9_000L, 10));
    }

    @Test
    void theEleventhSamplePushesTheOldestOut() {
        List<WaitSample> oldestFirst = new ArrayList<>();
        for (int i = 0; i < 11; i++) oldestFirst.add(new WaitSample(T - (10 - i) * 1000L, 1_000_000L + i));
        List<WaitSample> inForce = calc.inForce(oldestFirst, T);
        assertThat(inForce).hasSize(10);
        assertThat(inForce.get(0)).isEqualTo(oldestFirst.get(10));
        assertThat(inForce.get(9)).isEqualTo(oldestFirst.get(1));
        assertThat(inForce).doesNotContain(oldestFirst.get(0));
        // with the oldest (1000000) gone the lowest wait is 1000001
        assertThat(calc.figures(inForce).p50WaitMs()).isEqualTo(1_000_005L);
        assertThat(calc.at(oldestFirst.subList(0, 10), T - 1000).sampleSize()).isEqualTo(10);
    }

    @Test
    void windowIsOpenAtItsStartAndClosedAtItsEnd() {
        WaitSample atStart = new WaitSample(T - 10 * MIN, 1_000);
        WaitSample justInside = new WaitSample(T - 10 * MIN + 1, 2_000);
        WaitSample atT = new WaitSample(T, 3_000);
        WaitSample future = new WaitSample(T + 1, 4_000);
        List<WaitSample> s = List.of(atStart, justInside, atT, future);
        assertThat(calc.inForce(s, T)).containsExactly(atT, justInside);
        assertThat(calc.inForce(s, T - 1)).containsExactly(justInside, atStart);
        assertThat(calc.inForce(List.of(atStart), T)).isEmpty();
    }

    @Test
    void resultsAreRoundedHalfUp() {
        assertThat(EwtCalculator.divideHalfUp(5, 2)).isEqualTo(3);
        assertThat(EwtCalculator.divideHalfUp(7, 2)).isEqualTo(4);
        assertThat(EwtCalculator.divideHalfUp(4, 3)).isEqualTo(1);
        assertThat(EwtCalculator.divideHalfUp(5, 3)).isEqualTo(2);
        assertThat(EwtCalculator.divideHalfUp(0, 7)).isEqualTo(0);
        // newest first (0, 0, 0, 17): weighted 7·17 = 119 over 10+9+8+7 = 34 → 3.5 → 4; mean 17/4 = 4.25 → 4
        List<WaitSample> oldestFirst = List.of(new WaitSample(T - 4, 17), new WaitSample(T - 3, 0),
                new WaitSample(T - 2, 0), new WaitSample(T - 1, 0));
        EwtFigures f = calc.at(oldestFirst, T);
        assertThat(f.estimatedWaitMs()).isEqualTo(4L);
        assertThat(f.meanWaitMs()).isEqualTo(4L);
        // mean 1000.5 → 1001; weighted (10·1001 + 9·1000)/19 = 19010/19 = 1000.53 → 1001
        EwtFigures g = calc.at(List.of(new WaitSample(T - 1, 1_000), new WaitSample(T, 1_001)), T);
        assertThat(g.meanWaitMs()).isEqualTo(1_001L);
        assertThat(g.estimatedWaitMs()).isEqualTo(1_001L);
        // (10·1000 + 9·1001)/19 = 19009/19 = 1000.47 → 1000
        EwtFigures h = calc.at(List.of(new WaitSample(T - 1, 1_001), new WaitSample(T, 1_000)), T);
        assertThat(h.estimatedWaitMs()).isEqualTo(1_000L);
    }

    @Test
    void percentilesAreNearestRank() {
        long[] five = {10, 20, 30, 40, 50};
        assertThat(EwtCalculator.nearestRank(five, 50)).isEqualTo(30); // rank ⌈2.5⌉ = 3
        assertThat(EwtCalculator.nearestRank(five, 90)).isEqualTo(50); // rank ⌈4.5⌉ = 5
        long[] four = {10, 20, 30, 40};
        assertThat(EwtCalculator.nearestRank(four, 50)).isEqualTo(20); // rank 2, no interpolation
        assertThat(EwtCalculator.nearestRank(four, 90)).isEqualTo(40); // rank ⌈3.6⌉ = 4
        long[] two = {10, 20};
        assertThat(EwtCalculator.nearestRank(two, 50)).isEqualTo(10);
        assertThat(EwtCalculator.nearestRank(two, 90)).isEqualTo(20);
        long[] ten = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(EwtCalculator.nearestRank(ten, 50)).isEqualTo(5);
        assertThat(EwtCalculator.nearestRank(ten, 90)).isEqualTo(9);
        // the figures sort the waits: newest first 40, 10, 30, 20 → p50 20, p90 40
        List<WaitSample> oldestFirst = List.of(new WaitSample(T - 3, 20), new WaitSample(T - 2, 30),
                new WaitSample(T - 1, 10), new WaitSample(T, 40));
        EwtFigures f = calc.at(oldestFirst, T);
        assertThat(f.p50WaitMs()).isEqualTo(20L);
        assertThat(f.p90WaitMs()).isEqualTo(40L);
    }

    @Test
    void noSampleMeansUnknownNotZero() {
        assertThat(calc.figures(List.of())).isEqualTo(EwtFigures.UNKNOWN);
        EwtFigures aged = calc.at(List.of(new WaitSample(T - 10 * MIN, 5_000)), T);
        assertThat(aged.estimatedWaitMs()).isNull();
        assertThat(aged.meanWaitMs()).isNull();
        assertThat(aged.p50WaitMs()).isNull();
        assertThat(aged.p90WaitMs()).isNull();
        assertThat(aged.sampleSize()).isZero();
    }

    @Test
    void configurationChangesWindowAndWeights() {
        EwtCalculator three = new EwtCalculator(MIN, 3);
        List<WaitSample> oldestFirst = List.of(new WaitSample(T - 70_000, 99_000), new WaitSample(T - 3, 1_000),
                new WaitSample(T - 2, 2_000), new WaitSample(T - 1, 3_000), new WaitSample(T, 4_000));
        // newest 3 within 1 min: 4000, 3000, 2000 with weights 3, 2, 1 → 20000/6 = 3333.3 → 3333
        assertThat(three.at(oldestFirst, T)).isEqualTo(new EwtFigures(3_333L, 3_000L, 3_000L, 4_000L, 3));
        assertThatThrownBy(() -> three.figures(List.of(new WaitSample(1, 1), new WaitSample(2, 2),
                new WaitSample(3, 3), new WaitSample(4, 4)))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EwtCalculator(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EwtCalculator(MIN, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
