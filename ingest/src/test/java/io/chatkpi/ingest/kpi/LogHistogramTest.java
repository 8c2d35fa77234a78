package io.chatkpi.ingest.kpi;

import io.chatkpi.ingest.stack.SqlResources;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /**
     * Every histogram key the SQL computes (rollup rebuilds and backfills, the raw path's percentile keys, the rollup
     * path's edge facts) is {@link LogHistogram#SQL_KEY}: the same bucket bounds as {@link LogHistogram#key}, which the
     * KPI job uses, so the rollup and the raw facts put a value in the same bucket. The value expression may differ
     * (an alias, an ifNull); the rest of the text may not, whitespace aside.
     */
    @Test
    void everyHistogramKeyInTheSqlIsSqlKey() {
        String key = LogHistogram.SQL_KEY.replaceAll("\\s+", " ");
        String head = key.substring(key.indexOf(" <= 0,"), key.indexOf("log(v)") + "log(".length());
        String tail = key.substring(key.indexOf("log(v)") + "log(v".length());
        // each "ceil(log(" of a key: what stands before it, its value expression (no parentheses), what follows
        Pattern use = Pattern.compile(Pattern.quote(head) + "([^()]+|ifNull\\([^()]+\\))" + Pattern.quote(tail));
        int keys = 0;
        for (String folder : new String[] {"schema", "queries", "cluster"}) {
            for (String file : SqlResources.list(folder)) {
                String sql = SqlResources.load(file).replaceAll("\\s+", " ").replace("( ", "(")
                        .replace(" )", ")");
                int logs = sql.split(Pattern.quote("ceil(log("), -1).length - 1;
                Matcher m = use.matcher(sql);
                int matched = 0;
                while (m.find()) matched++;
                assertThat(matched).as(file + ": histogram keys written as LogHistogram.SQL_KEY")
                        .isEqualTo(logs);
                keys += matched;
            }
        }
        // the rollup backfill, its rebuild, the raw path's 10 percentile keys, the edges
        assertThat(keys).isGreaterThanOrEqualTo(13);
    }
}
