package io.chatkpi.ingest.ewt;

/**
 * The figures of one queue's estimated wait time. With no sample all are null and sampleSize is 0: unknown,
 * never 0.
 */
public record EwtFigures(Long estimatedWaitMs, Long meanWaitMs, Long p50WaitMs, Long p90WaitMs, int sampleSize) {

    public static final EwtFigures UNKNOWN = new EwtFigures(null, null, null, null, 0);
}
