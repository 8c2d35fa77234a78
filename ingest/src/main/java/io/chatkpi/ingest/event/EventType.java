package io.chatkpi.ingest.event;

/** The lifecycle events of a synchronous chat session. */
public enum EventType {
    SESSION_STARTED,
    QUEUED,
    NOT_ROUTED,
    REP_JOINED,
    MESSAGE,
    INACTIVE,
    ENDED,
    ACW_COMPLETED
}
