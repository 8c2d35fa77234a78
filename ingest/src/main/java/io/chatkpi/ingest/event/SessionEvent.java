package io.chatkpi.ingest.event;

import java.time.Instant;
import java.util.Objects;

/**
 * One validated session lifecycle event. Immutable; a Java record, which Flink 2.x serializes as a POJO.
 *
 * <p>{@code ts} is the event time in epoch milliseconds: the contract keeps instants to the millisecond, and a
 * long is what every operator compares and stores.
 *
 * @param eventId     unique per event; a redelivery repeats it
 * @param sessionId   the messaging session
 * @param type        the lifecycle event
 * @param ts          event time, epoch milliseconds (UTC)
 * @param channel     SESSION_STARTED: where the user chats from, else null
 * @param topic       SESSION_STARTED: the pre-chat topic, else null
 * @param queueId     QUEUED: the queue; REP_JOINED: the queue waited in (optional); else null
 * @param repId       REP_JOINED, ACW_COMPLETED: the rep; optional on MESSAGE, INACTIVE, ENDED
 * @param sender      MESSAGE: who wrote it
 * @param by          INACTIVE: REP or AUTO; ENDED: END_USER, REP or SYSTEM
 * @param reason      NOT_ROUTED: why
 * @param caseCreated NOT_ROUTED: whether a case was created instead (null when not said)
 */
public record SessionEvent(
        String eventId,
        String sessionId,
        EventType type,
        long ts,
        Channel channel,
        String topic,
        String queueId,
        String repId,
        Sender sender,
        Actor by,
        NotRoutedReason reason,
        Boolean caseCreated) {

    public SessionEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(type, "type");
    }

    public Instant instant() {
        return Instant.ofEpochMilli(ts);
    }

    /** A builder-style start for the fields every event has; the rest are added with the {@code with…} methods. */
    public static SessionEvent of(String eventId, String sessionId, EventType type, long ts) {
        return new SessionEvent(eventId, sessionId, type, ts, null, null, null, null, null, null, null, null);
    }

    public SessionEvent withChannel(Channel value) {
        return new SessionEvent(eventId, sessionId, type, ts, value, topic, queueId, repId, sender, by, reason, caseCreated);
    }

    public SessionEvent withTopic(String value) {
        return new SessionEvent(eventId, sessionId, type, ts, channel, value, queueId, repId, sender, by, reason, caseCreated);
    }

    public SessionEvent withQueueId(String value) {
        return new SessionEvent(eventId, sessionId, type, ts, channel, topic, value, repId, sender, by, reason, caseCreated);
    }

    public SessionEvent withRepId(String value) {
        return new SessionEvent(eventId, sessionId, type, ts, channel, topic, queueId, value, sender, by, reason, caseCreated);
    }

    public SessionEvent withSender(Sender value) {
        return new SessionEvent(eventId, sessionId, type, ts, channel, topic, queueId, repId, value, by, reason, caseCreated);
    }

    public SessionEvent withBy(Actor value) {
        return new SessionEvent(eventId, sessionId, type, ts, channel, topic, queueId, repId, sender, value, reason, caseCreated);
    }

    public SessionEvent withReason(NotRoutedReason value) {
        return new SessionEvent(eventId, sessionId, type, ts, channel, topic, queueId, repId, sender, by, value, caseCreated);
    }

    public SessionEvent withCaseCreated(Boolean value) {
        return new SessionEvent(eventId, sessionId, type, ts, channel, topic, queueId, repId, sender, by, reason, value);
    }

    public SessionEvent withTs(long value) {
        return new SessionEvent(eventId, sessionId, type, value, channel, topic, queueId, repId, sender, by, reason, caseCreated);
    }
}
