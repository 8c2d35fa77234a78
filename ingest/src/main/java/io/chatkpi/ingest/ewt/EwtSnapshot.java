package io.chatkpi.ingest.ewt;

import java.util.List;

/**
 * A queue's EWT from {@code asOfMs} on, with the samples in force (newest first), so a consumer can age them out
 * by its own clock. The record on the compacted topic {@code queue-ewt} (key: queueId) and a row of
 * {@code queue_ewt} (without the samples).
 */
public record EwtSnapshot(String queueId, long asOfMs, EwtFigures figures, List<WaitSample> samples) {
    public EwtSnapshot {
        samples = List.copyOf(samples);
    }
}
