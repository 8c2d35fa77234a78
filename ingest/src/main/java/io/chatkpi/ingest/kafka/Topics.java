package io.chatkpi.ingest.kafka;

/** The Kafka topics of chatkpi. */
public final class Topics {
    /** Session lifecycle events, one JSON object per record, keyed by sessionId. */
    public static final String SESSION_EVENTS = "session-events";
    /** Records of {@link #SESSION_EVENTS} that broke the contract, with the reason in a header. */
    public static final String SESSION_EVENTS_DLQ = "session-events-dlq";
    /** Compacted: the latest EWT snapshot per queue (key: queueId), with its samples, served by the API. */
    public static final String QUEUE_EWT = "queue-ewt";

    private Topics() {}
}
