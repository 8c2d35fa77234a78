package io.chatkpi.ingest.kpi;

/**
 * The log-scale histogram of durations in {@code kpi_rollup} (histKeys / histCounts): percentiles over any set of
 * rollup rows, by adding their counts, within {@link #RELATIVE_ERROR} of the exact ones.
 *
 * <p>Key 0 holds durations ≤ 0 ms. Key k ≥ 1 holds (γ^(k-2), γ^(k-1)] ms with γ = (1 + α) / (1 - α), α = 1 %, and
 * stands for 2·γ^(k-1) / (γ + 1), which is within α of every value in it (the DDSketch bucketing). A day in ms is
 * key 915, a year 1,210: keys fit in UInt16.
 *
 * <p>kpi_rollup_rebuild.sql and the raw-facts KPI queries compute the same key in SQL with the same expression
 * ({@link #SQL_KEY}); the {@code - 1e-9} keeps the two sides from splitting a value that lands exactly on a bucket
 * bound differently when two log implementations differ in the last bit.
 */
public final class LogHistogram {

    public static final double RELATIVE_ERROR = 0.01;
    public static final double GAMMA = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR);
    private static final double LOG_GAMMA = Math.log(GAMMA);

    /** The key as ClickHouse computes it: replace {@code v} with an Int64 expression. */
    public static final String SQL_KEY =
            "if(v <= 0, toUInt16(0), toUInt16(1 + ceil(log(v) / log((1 + 0.01) / (1 - 0.01)) - 1e-9)))";

    private LogHistogram() {
    }

    public static int key(long valueMs) {
        if (valueMs <= 0) {
            return 0;
        }
        return 1 + (int) Math.ceil(Math.log(valueMs) / LOG_GAMMA - 1e-9);
    }

    /** The value a key stands for, in whole ms. */
    public static long representative(int key) {
        if (key <= 0) {
            return 0;
        }
        return Math.round(2 * Math.pow(GAMMA, key - 1) / (GAMMA + 1));
    }

    /**
     * The q-quantile of the values counted in (keys, counts): the element of 0-based rank floor(q·n) (at most n - 1)
     * in sorted order, the rule of ClickHouse's quantileExact, read as its bucket's representative. Keys ascending
     * or not; equal keys may repeat (their counts add). Null when the counts add up to nothing.
     */
    public static Long quantile(double q, int[] keys, long[] counts) {
        if (keys.length != counts.length) {
            throw new IllegalArgumentException("keys and counts differ in length");
        }
        long n = 0;
        int maxKey = -1;
        for (int i = 0; i < keys.length; i++) {
            n += counts[i];
            maxKey = Math.max(maxKey, keys[i]);
        }
        if (n <= 0) {
            return null;
        }
        long[] byKey = new long[maxKey + 1];
        for (int i = 0; i < keys.length; i++) {
            byKey[keys[i]] += counts[i];
        }
        long rank = Math.min((long) Math.floor(q * n), n - 1);
        long seen = 0;
        for (int k = 0; k < byKey.length; k++) {
            seen += byKey[k];
            if (seen > rank) {
                return representative(k);
            }
        }
        return representative(maxKey);
    }
}
