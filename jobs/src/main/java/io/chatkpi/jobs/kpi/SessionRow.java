package io.chatkpi.jobs.kpi;

/**
 * One row of the {@code sessions} table: the session's KPIs as known so far; the highest {@code version} wins.
 * Field names and types follow the columns; the sink derives the {@code startedAt}/{@code endedAt} DateTime
 * columns from {@code startedAtMs}/{@code endedAtMs} and writes booleans as 0/1. Definitions: README.md ("Per-session KPIs").
 *
 * @param queueId              the queue named by the latest QUEUED or REP_JOINED that names one
 * @param repId                the last rep who joined
 * @param startedAtMs          SESSION_STARTED's ts, else the earliest event's
 * @param waitMs               sum of the session's queue waits (0 if none)
 * @param queueWaits           number of queue waits (waits that ended with a rep joining)
 * @param firstResponseMs      first QUEUED → first REP message; null if either is missing
 * @param repReplies           number of rep replies
 * @param repResponseSumMs     sum of their response times, for exact averages across sessions
 * @param handleMs             sum of the ended rep assignments' handle times
 * @param acwMs                ENDED → ACW_COMPLETED, only for sessions a rep joined
 * @param reactivated          QUEUED again after an INACTIVE
 * @param endedAfterInactivity ENDED by SYSTEM while Inactive
 * @param abandoned            ENDED while Waiting
 * @param notRoutedReason      the latest NOT_ROUTED's reason, OTHER when it names none
 * @param caseCreated          a NOT_ROUTED said a case was created
 * @param version              number of distinct events applied: a newer row always has a higher version
 */
public record SessionRow(
        String sessionId,
        String channel,
        String topic,
        String queueId,
        String repId,
        long startedAtMs,
        Long endedAtMs,
        String endedBy,
        Status status,
        long waitMs,
        int queueWaits,
        Long firstResponseMs,
        int repReplies,
        long repResponseSumMs,
        Double repAvgResponseMs,
        Long repMaxResponseMs,
        long handleMs,
        Long acwMs,
        int inactiveCount,
        int autoInactiveCount,
        boolean reactivated,
        boolean endedAfterInactivity,
        boolean abandoned,
        String notRoutedReason,
        boolean caseCreated,
        int endUserMessages,
        int repMessages,
        long version) {

    /**
     * The session's current state. STARTED is not in issue 3's list: it covers a session that has started but
     * has not been queued, refused or joined yet (usually milliseconds), which none of the others describes.
     */
    public enum Status {
        STARTED,
        WAITING,
        ACTIVE,
        INACTIVE,
        ENDED,
        NOT_ROUTED
    }

    public SessionRow withVersion(long value) {
        return new SessionRow(sessionId, channel, topic, queueId, repId, startedAtMs, endedAtMs, endedBy, status,
                waitMs, queueWaits, firstResponseMs, repReplies, repResponseSumMs, repAvgResponseMs, repMaxResponseMs,
                handleMs, acwMs, inactiveCount, autoInactiveCount, reactivated, endedAfterInactivity, abandoned,
                notRoutedReason, caseCreated, endUserMessages, repMessages, value);
    }

    /** Same KPIs, whatever the version: re-emitting would change nothing. */
    public boolean sameContentAs(SessionRow other) {
        return other != null && withVersion(0).equals(other.withVersion(0));
    }
}
