package io.chatkpi.jobs.kpi;

import io.chatkpi.ingest.event.EventType;
import io.chatkpi.ingest.event.SessionEvent;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Per-session KPIs, keyed by sessionId, exact on event time.
 *
 * <p>An event newer than the watermark waits in state until the watermark passes it, so a session's events are
 * applied in timestamp order whatever order they arrived in within the out-of-orderness bound. Only the earliest
 * pending event's flush timer is registered (events that become ready together share one flush). The timer is at the
 * event's own time, never later: Flink forwards a watermark only after the timers it passes have fired, so every
 * queue signal leaves this operator before a watermark past its time does, and the queue operator never sees its
 * own input as late. (A timer rounded up to coalesce more would let a watermark between the event and the timer
 * through first, and the queue operator would drop the signal as late.) An event at or behind the watermark (late) is applied at once: it rewrites the row and the facts,
 * counts in {@code late_events}, and emits no {@link QueueSignal} (EWT history is not rewritten). A repeated
 * eventId counts once ({@code duplicateEvents}).
 *
 * <p>On each change the session is brought up to date, exactly as {@link SessionTimeline#compute} over its stored
 * events would give it: events applied at a flush all come after every event applied before, so the session's fold
 * ({@link SessionTimeline.Fold}, kept for recently flushed sessions) is continued with them; a late event, or a
 * session whose fold is not kept, is folded again from all its stored events. The result is compared with what was
 * emitted before: a changed row goes to the main output; new or changed facts go to
 * {@link #FACTS}; facts that disappeared are re-emitted there with {@code deleted = true}; each of these also goes
 * to {@link #FACT_CHANGES} with the fact it replaces; queue signals caused
 * by the events of this flush go to {@link #QUEUE_SIGNALS}.
 *
 * <p>State is dropped once the watermark passes the session's latest event by the retention (one cleanup timer,
 * re-armed when it fires early). A redelivery after that starts from nothing: it is late, emits a row and facts
 * of version 1, which the stored higher versions win over in ClickHouse (see README.md, "Per-session KPIs").
 */
public class SessionKpiFunction extends KeyedProcessFunction<String, SessionEvent, SessionRow> {

    public static final OutputTag<KpiFact> FACTS = new OutputTag<>("kpi-facts", TypeInformation.of(KpiFact.class));
    /**
     * Every emission to {@link #FACTS} as a change from the fact emitted before for its factId (deletions included),
     * for the rollup, which must subtract what a re-emission replaces.
     */
    public static final OutputTag<FactChange> FACT_CHANGES =
            new OutputTag<>("kpi-fact-changes", TypeInformation.of(FactChange.class));
    public static final OutputTag<QueueSignal> QUEUE_SIGNALS =
            new OutputTag<>("queue-signals", TypeInformation.of(QueueSignal.class));
    /**
     * Provisional queue waits for the live EWT ({@link LiveEwtFunction}): a REP_JOINED that is not late gives at
     * once the {@link QueueSignal.Kind#QUEUE_WAIT} it ends as far as the events seen so far tell, identified by the
     * REP_JOINED's eventId. It may be wrong (an earlier event still on its way changes it); the exact one comes later
     * on {@link #QUEUE_SIGNALS} once the watermark passes it.
     */
    public static final OutputTag<QueueSignal> LIVE_QUEUE_WAITS =
            new OutputTag<>("live-queue-waits", TypeInformation.of(QueueSignal.class));

    public static final String LATE_EVENTS_METRIC = "late_events";
    public static final String DUPLICATE_EVENTS_METRIC = "duplicateEvents";

    /** The name of the session's state ({@link SessionState}); part of the savepoint contract. */
    static final String SESSION_STATE = "session";

    /** Open sessions whose fold a flush continues (beyond that, a flush recomputes the session from its events). */
    public static final int DEFAULT_FOLD_CACHE_SESSIONS = 10_000;

    private final SessionKpiConfig config;
    private final int foldCacheSessions;

    private transient ValueState<SessionState> session;
    private transient LegacyState legacy;

    private transient Counter lateEvents;
    private transient Counter duplicateEvents;

    /**
     * The fold of each recently flushed session over its applied events, so that the next flush continues it with
     * the newly ready events instead of recomputing the session (which made a session cost O(events²)). Not state:
     * derived from {@code applied}, used only when the new events all come after what it applied, rebuilt on anything else
     * (a late event, eviction), which only costs a recompute. It cannot go stale: this instance is the only writer
     * of its sessions' state, and a restart (which restores older state) makes a new instance.
     */
    private transient Map<String, SessionTimeline.Fold> folds;

    /**
     * The stored events' topic, queueId and repId, one instance per value: each event decoded from Kafka brings its
     * own copies, and a session's events stay in the heap state for the retention.
     */
    private transient StringPool fieldValues;

    public SessionKpiFunction(SessionKpiConfig config) {
        this(config, DEFAULT_FOLD_CACHE_SESSIONS);
    }

    /** @param foldCacheSessions sessions whose fold is kept between flushes; 0 recomputes every session each time */
    public SessionKpiFunction(SessionKpiConfig config, int foldCacheSessions) {
        if (foldCacheSessions < 0) {
            throw new IllegalArgumentException("foldCacheSessions must be >= 0: " + foldCacheSessions);
        }
        this.config = config;
        this.foldCacheSessions = foldCacheSessions;
    }

    @Override
    public void open(OpenContext openContext) {
        var ctx = getRuntimeContext();
        session = ctx.getState(new ValueStateDescriptor<>(SESSION_STATE, TypeInformation.of(SessionState.class)));
        legacy = new LegacyState(ctx);
        lateEvents = ctx.getMetricGroup().counter(LATE_EVENTS_METRIC);
        duplicateEvents = ctx.getMetricGroup().counter(DUPLICATE_EVENTS_METRIC);
        fieldValues = new StringPool();
        folds = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, SessionTimeline.Fold> eldest) {
                return size() > foldCacheSessions;
            }
        };
    }

    @Override
    public void processElement(SessionEvent event, Context ctx, Collector<SessionRow> out) throws Exception {
        SessionState s = current();
        if (s == null) {
            s = new SessionState();
        } else if (holds(s, event.eventId())) {
            duplicateEvents.inc();
            return;
        }
        String sessionId = sessionIdOf(s, event.sessionId());
        event = toStore(event, sessionId);
        if (s.latestTs == null || event.ts() > s.latestTs) {
            s.latestTs = event.ts();
        }
        if (s.cleanupTimer == null) {
            s.cleanupTimer = safeAdd(s.latestTs, config.retentionMs());
            ctx.timerService().registerEventTimeTimer(s.cleanupTimer);
        }

        if (event.ts() > ctx.timerService().currentWatermark()) {
            s.pending.add(event);
            long at = event.ts();
            Long registered = s.flushTimer;
            if (registered == null || at < registered) {
                if (registered != null && !registered.equals(s.cleanupTimer)) {
                    ctx.timerService().deleteEventTimeTimer(registered);
                }
                ctx.timerService().registerEventTimeTimer(at);
                s.flushTimer = at;
            }
            if (event.type() == EventType.REP_JOINED) {
                emitProvisionalQueueWait(sessionId, s, event, ctx);
            }
        } else {
            lateEvents.inc();
            s.applied.add(event);
            recomputeAndEmit(sessionId, s, List.of(event), Set.of(), ctx, out);
        }
        session.update(s);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SessionRow> out) throws Exception {
        SessionState s = current();
        if (s == null) {
            return; // a timer of a session already cleared
        }
        long watermark = ctx.timerService().currentWatermark();
        flushPending(s, watermark, ctx, out);

        Long cleanupAt = s.cleanupTimer;
        if (cleanupAt != null && timestamp >= cleanupAt) {
            long due = safeAdd(s.latestTs, config.retentionMs());
            if (due <= watermark && s.flushTimer == null) {
                clearSession(ctx.getCurrentKey());
                return;
            }
            // newer events arrived since the timer was set: one timer, moved forward only when it fires
            ctx.timerService().registerEventTimeTimer(due);
            s.cleanupTimer = due;
        }
        session.update(s);
    }

    private void flushPending(SessionState s, long watermark, OnTimerContext ctx, Collector<SessionRow> out)
            throws Exception {
        Long registered = s.flushTimer;
        if (registered == null || registered > watermark) {
            return;
        }
        List<SessionEvent> ready = new ArrayList<>();
        List<SessionEvent> waiting = new ArrayList<>();
        for (SessionEvent e : s.pending) {
            (e.ts() <= watermark ? ready : waiting).add(e);
        }
        s.pending = waiting;
        if (waiting.isEmpty()) {
            s.flushTimer = null;
        } else {
            long earliest = waiting.stream().mapToLong(SessionEvent::ts).min().getAsLong();
            long at = earliest;
            ctx.timerService().registerEventTimeTimer(at);
            s.flushTimer = at;
        }
        if (!ready.isEmpty()) {
            s.applied.addAll(ready);
            Set<String> readyIds = new HashSet<>();
            for (SessionEvent e : ready) {
                readyIds.add(e.eventId());
            }
            recomputeAndEmit(sessionIdOf(s, ctx.getCurrentKey()), s, ready, readyIds, ctx, out);
        }
    }

    /**
     * Whether the session has the event already (applied or pending): a session holds a few dozen events. The hashes
     * go first: a stored id's is computed once and kept in its String, so a miss reads no characters.
     */
    private static boolean holds(SessionState s, String eventId) {
        int hash = eventId.hashCode();
        return holds(s.applied, eventId, hash) || holds(s.pending, eventId, hash);
    }

    private static boolean holds(List<SessionEvent> events, String eventId, int hash) {
        for (int i = 0, n = events.size(); i < n; i++) {
            String stored = events.get(i).eventId();
            if (stored.hashCode() == hash && stored.equals(eventId)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The session's id as its stored events hold it (one instance for the session and everything derived from it:
     * the key of a record or timer is the instance its own event brought), {@code fallback} when none is stored.
     */
    private static String sessionIdOf(SessionState s, String fallback) {
        if (!s.applied.isEmpty()) {
            return s.applied.get(0).sessionId();
        }
        if (!s.pending.isEmpty()) {
            return s.pending.get(0).sessionId();
        }
        return fallback;
    }

    /** {@code event} as the state keeps it: the session's sessionId instance and pooled topic, queueId and repId. */
    private SessionEvent toStore(SessionEvent event, String sessionId) {
        String topic = fieldValues.canonical(event.topic());
        String queueId = fieldValues.canonical(event.queueId());
        String repId = fieldValues.canonical(event.repId());
        if (sessionId == event.sessionId() && topic == event.topic() && queueId == event.queueId()
                && repId == event.repId()) {
            return event;
        }
        return new SessionEvent(event.eventId(), sessionId, event.type(), event.ts(), event.channel(), topic, queueId,
                repId, event.sender(), event.by(), event.reason(), event.caseCreated());
    }

    /** The queue wait {@code joined} ends over the events seen so far (applied and pending), if it ends one. */
    private void emitProvisionalQueueWait(String sessionId, SessionState s, SessionEvent joined, Context ctx) {
        List<SessionEvent> events = new ArrayList<>(s.applied.size() + s.pending.size());
        events.addAll(s.applied);
        events.addAll(s.pending);
        for (QueueSignal signal : SessionTimeline.signals(sessionId, events, config)) {
            if (signal.kind() == QueueSignal.Kind.QUEUE_WAIT && joined.eventId().equals(signal.eventId())) {
                ctx.output(LIVE_QUEUE_WAITS, signal);
            }
        }
    }

    /**
     * Brings the session up to date with {@code added} (already in {@code applied}) and emits what changed; queue
     * signals only for the events in {@code signalFor}.
     */
    private void recomputeAndEmit(String sessionId, SessionState s, List<SessionEvent> added, Set<String> signalFor,
            Context ctx, Collector<SessionRow> out) {
        SessionTimeline.Result result = upToDate(sessionId, s, added);
        long version = result.row().version();

        if (!result.row().sameContentAs(s.emittedRow)) {
            out.collect(result.row());
            s.emittedRow = result.row();
        }

        for (KpiFact fact : result.facts()) {
            KpiFact previous = s.emittedFacts.get(fact.factId());
            if (!fact.sameContentAs(previous)) {
                // a new fact, or one that replaces what was emitted under its factId
                ctx.output(FACTS, fact);
                ctx.output(FACT_CHANGES, new FactChange(previous, fact));
                s.emittedFacts.put(fact.factId(), fact);
            }
        }
        // every fact now has its id among the emitted ones (factIds are distinct): more emitted ids than facts means
        // some facts are gone
        if (s.emittedFacts.size() > result.facts().size()) {
            Set<String> current = new HashSet<>();
            for (KpiFact fact : result.facts()) {
                current.add(fact.factId());
            }
            List<KpiFact> retracted = new ArrayList<>();
            for (KpiFact previous : s.emittedFacts.values()) {
                if (!current.contains(previous.factId()) && !previous.deleted()) {
                    retracted.add(previous);
                }
            }
            for (KpiFact before : retracted) {
                // a fact the session no longer has
                KpiFact gone = before.asDeleted(version);
                ctx.output(FACTS, gone);
                ctx.output(FACT_CHANGES, new FactChange(before, gone));
                s.emittedFacts.put(gone.factId(), gone);
            }
        }

        if (!signalFor.isEmpty()) {
            for (QueueSignal signal : result.signals()) {
                if (signalFor.contains(signal.eventId())) {
                    ctx.output(QUEUE_SIGNALS, signal);
                }
            }
        }
    }

    /**
     * The session over its applied events: the cached fold continued with {@code added} when they all come after
     * what it applied, else a fold over every applied event.
     */
    private SessionTimeline.Result upToDate(String sessionId, SessionState s, List<SessionEvent> added) {
        List<SessionEvent> ordered = new ArrayList<>(added);
        ordered.sort(SessionTimeline.CANONICAL_ORDER);
        SessionTimeline.Fold fold = folds.get(sessionId);
        if (fold != null && fold.continuesWith(ordered)) {
            fold.applyInOrder(ordered);
            return fold.result();
        }
        List<SessionEvent> events = new ArrayList<>(s.applied);
        events.sort(SessionTimeline.CANONICAL_ORDER);
        fold = new SessionTimeline.Fold(sessionId, config);
        fold.applyInOrder(events);
        if (foldCacheSessions > 0) {
            folds.put(sessionId, fold);
        }
        return fold.result();
    }

    private void clearSession(String sessionId) {
        folds.remove(sessionId);
        session.clear();
    }

    /**
     * The session's state; a session kept by a version before {@link SessionState} (one state per field, restored
     * from its savepoint) is moved into one on first touch.
     */
    private SessionState current() throws Exception {
        SessionState s = session.value();
        if (s == null) {
            s = legacy.takeOver();
            if (s != null) {
                session.update(s);
            }
        }
        return s;
    }

    /**
     * The per-field states of earlier versions, registered under their names so that a savepoint taken by one of
     * them restores; {@link #takeOver} moves a session's fields into a {@link SessionState} and clears them.
     */
    static final class LegacyState {
        private final MapState<String, Boolean> seenEventIds;
        private final ListState<SessionEvent> applied;
        private final ListState<SessionEvent> pending;
        private final ValueState<Long> flushTimer;
        private final ValueState<Long> cleanupTimer;
        private final ValueState<Long> latestTs;
        private final ValueState<SessionRow> emittedRow;
        private final MapState<String, KpiFact> emittedFacts;

        LegacyState(org.apache.flink.api.common.functions.RuntimeContext ctx) {
            TypeInformation<SessionEvent> eventType = TypeInformation.of(SessionEvent.class);
            seenEventIds = ctx.getMapState(new MapStateDescriptor<>("seenEventIds", Types.STRING, Types.BOOLEAN));
            applied = ctx.getListState(new ListStateDescriptor<>("appliedEvents", eventType));
            pending = ctx.getListState(new ListStateDescriptor<>("pendingEvents", eventType));
            flushTimer = ctx.getState(new ValueStateDescriptor<>("flushTimer", Types.LONG));
            cleanupTimer = ctx.getState(new ValueStateDescriptor<>("cleanupTimer", Types.LONG));
            latestTs = ctx.getState(new ValueStateDescriptor<>("latestTs", Types.LONG));
            emittedRow = ctx.getState(new ValueStateDescriptor<>("emittedRow", TypeInformation.of(SessionRow.class)));
            emittedFacts = ctx.getMapState(
                    new MapStateDescriptor<>("emittedFacts", Types.STRING, TypeInformation.of(KpiFact.class)));
        }

        /** The current session's fields as one {@link SessionState}, or null when it has none (a new session). */
        SessionState takeOver() throws Exception {
            // every session kept by an earlier version has its cleanup timer
            Long cleanupAt = cleanupTimer.value();
            if (cleanupAt == null) {
                return null;
            }
            SessionState s = new SessionState();
            s.cleanupTimer = cleanupAt;
            s.flushTimer = flushTimer.value();
            s.latestTs = latestTs.value();
            s.emittedRow = emittedRow.value();
            // the eventIds seen are those of applied and pending
            Iterable<SessionEvent> appliedEvents = applied.get();
            if (appliedEvents != null) {
                appliedEvents.forEach(s.applied::add);
            }
            Iterable<SessionEvent> pendingEvents = pending.get();
            if (pendingEvents != null) {
                pendingEvents.forEach(s.pending::add);
            }
            for (Map.Entry<String, KpiFact> e : emittedFacts.entries()) {
                s.emittedFacts.put(e.getKey(), e.getValue());
            }
            seenEventIds.clear();
            applied.clear();
            pending.clear();
            flushTimer.clear();
            cleanupTimer.clear();
            latestTs.clear();
            emittedRow.clear();
            emittedFacts.clear();
            return s;
        }
    }

    private static long safeAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    /** Late events seen by this instance (the {@code late_events} metric). */
    public long lateEventCount() {
        return lateEvents == null ? 0 : lateEvents.getCount();
    }

    /** Duplicates dropped by this instance (the {@code duplicateEvents} metric). */
    public long duplicateEventCount() {
        return duplicateEvents == null ? 0 : duplicateEvents.getCount();
    }
}
