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
    ENDED_AFTER_INACTIVITY
}
