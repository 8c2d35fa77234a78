package io.chatkpi.ingest.kpi;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class LogHistogramTest {

    @Test
    void everyValueIsWithinTheRelativeErrorOfItsKeysRepresentative() {
        for (long v = 1; v < 5_000_000L; v = v < 5_000 ? v + 1 : v + 997) {
            long r = LogHistogram.representative(LogHistogram.key(v));
            assertThat((double) Math.abs(r - v)).as("value %d -> %d", v, r)
                    .isLessThanOrEqualTo(LogHistogram.RELATIVE_ERROR * v + 0.5);
        }
    }

    @Test
    void keysGrowWithTheValueAndFitInUInt16() {
        assertThat(LogHistogram.key(0)).isZero();
        assertThat(LogHistogram.key(-5)).isZero();
        assertThat(LogHistogram.key(1)).isEqualTo(1);
        assertThat(LogHistogram.key(86_400_000L)).isEqualTo(915);
        assertThat(LogHistogram.key(365L * 86_400_000L)).isEqualTo(1210).isLessThan(65_536);
        int previous = 0;
        for (long v = 1; v < 10_000_000L; v += 3_331) {
            int k = LogHistogram.key(v);
            assertThat(k).isGreaterThanOrEqualTo(previous);
            previous = k;
        }
    }

    @Test
    void quantileFollowsQuantileExactsRankWithinTheRelativeError() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            int n = 1 + random.nextInt(300);
            long[] values = new long[n];
            for (int i = 0; i < n; i++) {
                values[i] = random.nextInt(4) == 0 ? random.nextInt(50) : random.nextInt(2_000_000);
            }
            int[] keys = new int[n];
            long[] ones = new long[n];
            for (int i = 0; i < n; i++) {
                keys[i] = LogHistogram.key(values[i]);
                ones[i] = 1;
            }
            long[] sorted = values.clone();
            Arrays.sort(sorted);
            for (double q : new double[] {0, 0.5, 0.9, 0.99, 1}) {
                long exact = sorted[(int) Math.min((long) Math.floor(q * n), n - 1)];
                long approx = LogHistogram.quantile(q, keys, ones);
                assertThat((double) Math.abs(approx - exact)).as("q %s of %s", q, Arrays.toString(sorted))
                        .isLessThanOrEqualTo(LogHistogram.RELATIVE_ERROR * exact + 0.5);
            }
        }
    }

    @Test
    void repeatedKeysAddAndNothingCountedIsNull() {
        assertThat(LogHistogram.quantile(0.5, new int[] {}, new long[] {})).isNull();
        assertThat(LogHistogram.quantile(0.5, new int[] {5, 9}, new long[] {0, 0})).isNull();
        int k100 = LogHistogram.key(100);
        int k1000 = LogHistogram.key(1000);
        // 100 ×1 and 1000 ×2 (split over two entries): median rank 1 is 1000
        assertThat(LogHistogram.quantile(0.5, new int[] {k1000, k100, k1000}, new long[] {1, 1, 1}))
                .isEqualTo(LogHistogram.representative(k1000));
        assertThat(LogHistogram.quantile(0.0, new int[] {k1000, k100}, new long[] {2, 1}))
                .isEqualTo(LogHistogram.representative(k100));
    }
}
