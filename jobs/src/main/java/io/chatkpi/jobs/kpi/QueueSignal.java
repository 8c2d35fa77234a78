package io.chatkpi.jobs.kpi;

/**
 * What the per-session operator tells the per-queue operator (keyed by {@code queueId}), in event-time order per
 * session; the queue operator re-sorts across sessions on the watermark.
 *
 * <ul>
 *   <li>{@code QUEUE_WAIT}: a queue wait ended (a rep joined a Waiting session). {@code queueId} is the
 *       REP_JOINED's queue or else the segment's, {@code atMs} the REP_JOINED's ts, {@code waitMs} the wait,
 *       {@code queuedAtMs} the start of the waiting segment. Feeds the EWT.</li>
 *   <li>{@code ENTERED}: a QUEUED event; {@code queueId} its queue, {@code atMs = queuedAtMs} its ts. The queue
 *       operator records the estimate in force at that instant (EWT accuracy).</li>
 *   <li>{@code SEGMENT_CLOSED}: the wait that followed an ENTERED ended; {@code queueId} and {@code queuedAtMs}
 *       identify the ENTERED, {@code atMs} is when it ended, {@code waitMs} the actual wait
 *       ({@code atMs − queuedAtMs}), {@code abandoned} whether it ended by the session ending while Waiting.</li>
 * </ul>
 *
 * @param eventId the id of the event that caused the signal, for deterministic ordering of equal times
 */
public record QueueSignal(
        Kind kind, String queueId, String sessionId, long atMs, long queuedAtMs, long waitMs, boolean abandoned,
        String eventId) {

    public enum Kind {
        QUEUE_WAIT,
        ENTERED,
        SEGMENT_CLOSED
    }

    public static QueueSignal queueWait(String queueId, String sessionId, long joinedAtMs, long queuedAtMs, String eventId) {
        return new QueueSignal(Kind.QUEUE_WAIT, queueId, sessionId, joinedAtMs, queuedAtMs, joinedAtMs - queuedAtMs, false, eventId);
    }

    public static QueueSignal entered(String queueId, String sessionId, long queuedAtMs, String eventId) {
        return new QueueSignal(Kind.ENTERED, queueId, sessionId, queuedAtMs, queuedAtMs, 0, false, eventId);
    }

    public static QueueSignal segmentClosed(
            String queueId, String sessionId, long queuedAtMs, long closedAtMs, boolean abandoned, String eventId) {
        return new QueueSignal(Kind.SEGMENT_CLOSED, queueId, sessionId, closedAtMs, queuedAtMs, closedAtMs - queuedAtMs, abandoned, eventId);
    }
}
