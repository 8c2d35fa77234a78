package io.chatkpi.jobs.landing;

import io.chatkpi.ingest.event.SessionEvent;
import java.util.Objects;

/**
 * A valid event with where and when it was landed: one row of {@code session_events}.
 *
 * @param event           the validated event
 * @param sourcePartition the Kafka partition it was read from
 * @param sourceOffset    its offset there
 * @param ingestedAtMs    when the landing job accepted it (processing time, epoch ms)
 */
public record LandedEvent(SessionEvent event, int sourcePartition, long sourceOffset, long ingestedAtMs) {
    public LandedEvent {
        Objects.requireNonNull(event, "event");
    }
}
