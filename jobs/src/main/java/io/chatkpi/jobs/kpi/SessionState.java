package io.chatkpi.jobs.kpi;

import io.chatkpi.ingest.event.SessionEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything {@link SessionKpiFunction} keeps for one session, as one state value: one state lookup per event or
 * timer instead of one per field (each a hash-table miss on a large heap state). A Flink POJO; its collections use
 * Flink's own list and map serializers.
 *
 * <p>The eventIds seen, for dropping a repeat, are those of {@code applied} and {@code pending}: an earlier layout
 * also kept them in a set ({@code seenEventIds}, one node per event), which a snapshot of it still holds and a
 * restore skips (a removed POJO field).
 */
public class SessionState {

    /** Events applied, in the order they were applied. */
    public List<SessionEvent> applied = new ArrayList<>();
    /** Events newer than the watermark, waiting for it. */
    public List<SessionEvent> pending = new ArrayList<>();
    /** The registered flush timer (the earliest pending event's time), null when nothing is pending. */
    public Long flushTimer;
    /** The registered cleanup timer. */
    public Long cleanupTimer;
    /** The latest event time seen. */
    public Long latestTs;
    /** The row last emitted. */
    public SessionRow emittedRow;
    /** The facts last emitted, by factId (deleted ones included). */
    public Map<String, KpiFact> emittedFacts = new HashMap<>();

    public SessionState() {}
}
