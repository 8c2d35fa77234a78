package io.chatkpi.ingest.event;

/** Why a session was not routed to a queue. */
public enum NotRoutedReason {
    OUTSIDE_BUSINESS_HOURS,
    QUEUE_FULL,
    NO_REPS_AVAILABLE,
    OTHER
}
