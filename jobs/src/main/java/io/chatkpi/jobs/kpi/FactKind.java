package io.chatkpi.jobs.kpi;

/**
 * The kinds of rows in {@code kpi_facts}: each is one countable thing, placed at the event that completes it.
 * What {@code valueMs}, {@code detail} and {@code flag} mean per kind is documented on each constant; unused ones
 * are null, "" and false.
 */
public enum FactKind {
    /** At SESSION_STARTED; queue = the session's queue (latest known). */
    STARTED,
    /** At each QUEUED; queue = its queue. */
    QUEUED,
    /** At each REP_JOINED (a rep assignment starts); rep = the joining rep. Denominator of the inactivity rate. */
    JOINED,
    /** A queue wait ended by a rep joining: valueMs = wait, flag = wait within the service-level threshold. */
    ANSWERED,
    /** At ENDED while Waiting: valueMs = time waited in that segment, flag = within the threshold. */
    ABANDONED,
    /** At NOT_ROUTED: detail = reason (OTHER when the event names none), flag = a case was created. */
    NOT_ROUTED,
    /** At a NOT_ROUTED that says a case was created. */
    CASE_CREATED,
    /** At the first ENDED: detail = endedBy (END_USER, REP, SYSTEM, or UNKNOWN when not said). */
    ENDED,
    /** At the session's first REP message: valueMs = first QUEUED → that message. */
    FIRST_RESPONSE,
    /** At each rep reply: valueMs = its response time. */
    REP_RESPONSE,
    /** At the transfer, INACTIVE or ENDED that ends an assignment: valueMs = handle time, rep = that assignment's. */
    HANDLE,
    /** At ACW_COMPLETED after ENDED, for sessions a rep joined: valueMs = ENDED → ACW_COMPLETED. */
    ACW,
    /** At each INACTIVE: detail = REP or AUTO (REP when not said), flag = AUTO. */
    INACTIVE,
    /** At a QUEUED that follows an INACTIVE. */
    REACTIVATED,
    /** At ENDED by SYSTEM while Inactive. */
    ENDED_AFTER_INACTIVITY,
    /**
     * A session answered, countable by adding (kpi_rollup): see {@link #sessionKindOf}. One per (queueId, repId)
     * among the session's ANSWERED facts, placed on the earliest of them.
     */
    SESSION_ANSWERED,
    /** A session a rep joined: one per (queueId, repId) among its JOINED facts, like {@link #SESSION_ANSWERED}. */
    SESSION_JOINED,
    /** A session that went inactive: one per (queueId, repId) among its INACTIVE facts, like SESSION_ANSWERED. */
    SESSION_INACTIVE,
    /** A session reactivated: one per (queueId, repId) among its REACTIVATED facts, like SESSION_ANSWERED. */
    SESSION_REACTIVATED;

    /** Detail levels of the SESSION_* kinds, in the order they are joined (comma-separated) in {@code detail}. */
    public static final String SESSION_LEVEL = "session";
    public static final String QUEUE_LEVEL = "queue";
    public static final String REP_LEVEL = "rep";

    /**
     * The distinct-session kind derived from {@code kind}, or null. A SESSION_K fact stands for "this session had K"
     * at one (queueId, repId) so that distinct sessions add up across slots and rows: it is a copy of the earliest K
     * fact of that (queueId, repId) (by atMs, then factId), with factId {@code sessionId/SESSION_K/<its eventId>},
     * valueMs null, flag false, and detail = the levels at which it is the session's first K fact, in this order:
     * "session" (earliest of the whole session), "queue" (earliest among those of its queueId), "rep" (always).
     * Counting sessions with K per rep counts SESSION_K facts at any detail; per queue, those whose detail contains
     * "queue"; over everything, those whose detail contains "session".
     */
    public static FactKind sessionKindOf(FactKind kind) {
        return switch (kind) {
            case ANSWERED -> SESSION_ANSWERED;
            case JOINED -> SESSION_JOINED;
            case INACTIVE -> SESSION_INACTIVE;
            case REACTIVATED -> SESSION_REACTIVATED;
            default -> null;
        };
    }
}
