package io.chatkpi.api.ewt;

import io.chatkpi.ingest.ewt.EwtFigures;
import java.time.Instant;

/**
 * A queue's EWT as served: the figures in force at the API's clock. {@code asOfMs} is the instant from which these
 * figures hold (the snapshot's asOf, or the moment its last dropped sample aged out); null when nothing is known.
 */
public record LiveEwt(String queueId, EwtFigures figures, Long asOfMs) {

    /** Rounded up: a chat service telling a customer "about N seconds" must not under-promise. */
    public Long estimatedWaitSeconds() {
        Long ms = figures.estimatedWaitMs();
        return ms == null ? null : Math.floorDiv(ms + 999, 1000);
    }

    public String asOfIso() {
        return asOfMs == null ? null : Instant.ofEpochMilli(asOfMs).toString();
    }
}
