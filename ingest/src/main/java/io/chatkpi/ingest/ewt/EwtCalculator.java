package io.chatkpi.ingest.ewt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The EWT definition, shared by the streaming job and the API (which ages samples out by its own clock).
 *
 * <p>The estimate at time T uses the queue waits whose time lies in {@code (T − window, T]}, at most the
 * {@code maxSamples} most recent. With k of them, newest first w1..wk and N = maxSamples, the estimate is
 * Salesforce Omni-Channel's weighted average {@code (N·w1 + (N−1)·w2 + … + (N−k+1)·wk) / (N + … + (N−k+1))};
 * mean, p50 and p90 (nearest rank) are over the same k waits. All figures are rounded half up to whole ms.
 */
public final class EwtCalculator {

    public static final long DEFAULT_WINDOW_MS = 10 * 60 * 1000L;
    public static final int DEFAULT_MAX_SAMPLES = 10;

    private final long windowMs;
    private final int maxSamples;

    public EwtCalculator(long windowMs, int maxSamples) {
        if (windowMs <= 0) throw new IllegalArgumentException("windowMs must be > 0");
        if (maxSamples <= 0) throw new IllegalArgumentException("maxSamples must be > 0");
        this.windowMs = windowMs;
        this.maxSamples = maxSamples;
    }

    public static EwtCalculator defaults() {
        return new EwtCalculator(DEFAULT_WINDOW_MS, DEFAULT_MAX_SAMPLES);
    }

    public long windowMs() {
        return windowMs;
    }

    public int maxSamples() {
        return maxSamples;
    }

    /**
     * The samples in force at {@code t}, newest first: time in {@code (t − window, t]}, at most maxSamples.
     *
     * @param samplesOldestFirst a queue's samples in time order (ties in arrival order)
     */
    public List<WaitSample> inForce(List<WaitSample> samplesOldestFirst, long t) {
        List<WaitSample> out = new ArrayList<>(Math.min(maxSamples, samplesOldestFirst.size()));
        for (int i = samplesOldestFirst.size() - 1; i >= 0 && out.size() < maxSamples; i--) {
            WaitSample s = samplesOldestFirst.get(i);
            if (s.atMs() > t) continue;
            if (s.atMs() <= t - windowMs) break;
            out.add(s);
        }
        return out;
    }

    /** The figures over samples already selected by {@link #inForce}, newest first. */
    public EwtFigures figures(List<WaitSample> newestFirst) {
        int k = newestFirst.size();
        if (k == 0) return EwtFigures.UNKNOWN;
        if (k > maxSamples) throw new IllegalArgumentException(k + " samples > maxSamples " + maxSamples);
        long weighted = 0;
        long weights = 0;
        long sum = 0;
        long[] sorted = new long[k];
        for (int i = 0; i < k; i++) {
            long w = newestFirst.get(i).waitMs();
            long weight = maxSamples - i;
            weighted += weight * w;
            weights += weight;
            sum += w;
            sorted[i] = w;
        }
        Arrays.sort(sorted);
        return new EwtFigures(
                divideHalfUp(weighted, weights),
                divideHalfUp(sum, k),
                nearestRank(sorted, 50),
                nearestRank(sorted, 90),
                k);
    }

    /** The figures in force at {@code t}. */
    public EwtFigures at(List<WaitSample> samplesOldestFirst, long t) {
        return figures(inForce(samplesOldestFirst, t));
    }

    static long nearestRank(long[] sorted, int percentile) {
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    static long divideHalfUp(long numerator, long denominator) {
        return Math.floorDiv(2 * numerator + denominator, 2 * denominator);
    }
}
