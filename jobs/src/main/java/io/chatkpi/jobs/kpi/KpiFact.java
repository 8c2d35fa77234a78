package io.chatkpi.jobs.kpi;

import java.util.Objects;

/**
 * One row of {@code kpi_facts}: a countable thing at the event that completes it. The sink derives the
 * {@code at} DateTime column from {@code atMs} (epoch seconds) and writes booleans as 0/1.
 *
 * @param factId    {@code sessionId/kind/completing eventId}: deterministic, so a re-emission replaces
 * @param atMs      the completing event's ts (epoch ms)
 * @param queueId   the queue in force at that event, "" when none
 * @param repId     the rep of the assignment in force at that event, "" when none
 * @param valueMs   a duration, for the kinds that carry one
 * @param detail    a reason / actor, for the kinds that carry one, else ""
 * @param version   the session's version when emitted (number of distinct events applied): higher wins
 * @param deleted   true when a late event made this fact disappear
 */
public record KpiFact(
        String factId,
        String sessionId,
        FactKind kind,
        long atMs,
        String queueId,
        String repId,
        Long valueMs,
        String detail,
        boolean flag,
        long version,
        boolean deleted) {

    public static String factId(String sessionId, FactKind kind, String eventId) {
        return sessionId + "/" + kind + "/" + eventId;
    }

    /** Same fact content, whatever the version: re-emitting it would change nothing. */
    public boolean sameContentAs(KpiFact other) {
        return other != null
                && factId.equals(other.factId)
                && sessionId.equals(other.sessionId)
                && kind == other.kind
                && atMs == other.atMs
                && Objects.equals(queueId, other.queueId)
                && Objects.equals(repId, other.repId)
                && Objects.equals(valueMs, other.valueMs)
                && Objects.equals(detail, other.detail)
                && flag == other.flag
                && deleted == other.deleted;
    }

    public KpiFact withVersion(long value) {
        return new KpiFact(factId, sessionId, kind, atMs, queueId, repId, valueMs, detail, flag, value, deleted);
    }

    public KpiFact asDeleted(long atVersion) {
        return new KpiFact(factId, sessionId, kind, atMs, queueId, repId, valueMs, detail, flag, atVersion, true);
    }
}
