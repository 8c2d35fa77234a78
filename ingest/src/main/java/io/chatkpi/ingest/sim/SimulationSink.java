package io.chatkpi.ingest.sim;

import io.chatkpi.ingest.event.SessionEvent;

/** Where the simulator's output goes, in timestamp order. */
public interface SimulationSink {

    /** A valid event; a redelivered duplicate arrives again right after the original, with the same eventId. */
    void event(SessionEvent event);

    /** An injected line that breaks the contract (only with an invalid share > 0). */
    default void invalidLine(String line) {}
}
