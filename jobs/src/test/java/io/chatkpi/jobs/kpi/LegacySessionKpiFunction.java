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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link SessionKpiFunction} as it was before its state became one {@link SessionState} per session (one Flink
 * state per field): a savepoint it takes must restore into the current operator. Its side outputs are the current
 * operator's tags.
 */
class LegacySessionKpiFunction extends KeyedProcessFunction<String, SessionEvent, SessionRow> {

    static final OutputTag<KpiFact> FACTS = SessionKpiFunction.FACTS;
    static final OutputTag<QueueSignal> QUEUE_SIGNALS = SessionKpiFunction.QUEUE_SIGNALS;
    static final OutputTag<QueueSignal> LIVE_QUEUE_WAITS = SessionKpiFunction.LIVE_QUEUE_WAITS;

    public static final String LATE_EVENTS_METRIC = "late_events";
    public static final String DUPLICATE_EVENTS_METRIC = "duplicateEvents";

    private final SessionKpiConfig config;

    private transient MapState<String, Boolean> seenEventIds;
    private transient ListState<SessionEvent> applied;
    private transient ListState<SessionEvent> pending;
    private transient ValueState<Long> flushTimer;
    private transient ValueState<Long> cleanupTimer;
    private transient ValueState<Long> latestTs;
    private transient ValueState<SessionRow> emittedRow;
    private transient MapState<String, KpiFact> emittedFacts;

    private transient Counter lateEvents;
    private transient Counter duplicateEvents;

    LegacySessionKpiFunction(SessionKpiConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext openContext) {
        var ctx = getRuntimeContext();
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
        lateEvents = ctx.getMetricGroup().counter(LATE_EVENTS_METRIC);
        duplicateEvents = ctx.getMetricGroup().counter(DUPLICATE_EVENTS_METRIC);
    }

    @Override
    public void processElement(SessionEvent event, Context ctx, Collector<SessionRow> out) throws Exception {
        if (seenEventIds.contains(event.eventId())) {
            duplicateEvents.inc();
            return;
        }
        seenEventIds.put(event.eventId(), Boolean.TRUE);
        Long latest = latestTs.value();
        if (latest == null || event.ts() > latest) {
            latestTs.update(event.ts());
        }
        if (cleanupTimer.value() == null) {
            long at = safeAdd(latestTs.value(), config.retentionMs());
            ctx.timerService().registerEventTimeTimer(at);
            cleanupTimer.update(at);
        }

        if (event.ts() > ctx.timerService().currentWatermark()) {
            pending.add(event);
            long at = event.ts();
            Long registered = flushTimer.value();
            if (registered == null || at < registered) {
                if (registered != null && !registered.equals(cleanupTimer.value())) {
                    ctx.timerService().deleteEventTimeTimer(registered);
                }
                ctx.timerService().registerEventTimeTimer(at);
                flushTimer.update(at);
            }
            if (event.type() == EventType.REP_JOINED) {
                emitProvisionalQueueWait(ctx.getCurrentKey(), event, ctx);
            }
        } else {
            lateEvents.inc();
            applied.add(event);
            recomputeAndEmit(ctx.getCurrentKey(), Set.of(), ctx, out);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SessionRow> out) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        flushPending(watermark, ctx, out);

        Long cleanupAt = cleanupTimer.value();
        if (cleanupAt != null && timestamp >= cleanupAt) {
            long due = safeAdd(latestTs.value(), config.retentionMs());
            if (due <= watermark && flushTimer.value() == null) {
                clearSession();
            } else {
                // newer events arrived since the timer was set: one timer, moved forward only when it fires
                ctx.timerService().registerEventTimeTimer(due);
                cleanupTimer.update(due);
            }
        }
    }

    private void flushPending(long watermark, OnTimerContext ctx, Collector<SessionRow> out) throws Exception {
        Long registered = flushTimer.value();
        if (registered == null || registered > watermark) {
            return;
        }
        List<SessionEvent> ready = new ArrayList<>();
        List<SessionEvent> waiting = new ArrayList<>();
        for (SessionEvent e : pending.get()) {
            (e.ts() <= watermark ? ready : waiting).add(e);
        }
        pending.update(waiting);
        if (waiting.isEmpty()) {
            flushTimer.clear();
        } else {
            long earliest = waiting.stream().mapToLong(SessionEvent::ts).min().getAsLong();
            long at = earliest;
            ctx.timerService().registerEventTimeTimer(at);
            flushTimer.update(at);
        }
        if (!ready.isEmpty()) {
            applied.addAll(ready);
            Set<String> readyIds = new HashSet<>();
            for (SessionEvent e : ready) {
                readyIds.add(e.eventId());
            }
            recomputeAndEmit(ctx.getCurrentKey(), readyIds, ctx, out);
        }
    }

    /** The queue wait {@code joined} ends over the events seen so far (applied and pending), if it ends one. */
    private void emitProvisionalQueueWait(String sessionId, SessionEvent joined, Context ctx) throws Exception {
        List<SessionEvent> events = new ArrayList<>();
        for (SessionEvent e : applied.get()) {
            events.add(e);
        }
        for (SessionEvent e : pending.get()) {
            events.add(e);
        }
        for (QueueSignal signal : SessionTimeline.compute(sessionId, events, config).signals()) {
            if (signal.kind() == QueueSignal.Kind.QUEUE_WAIT && joined.eventId().equals(signal.eventId())) {
                ctx.output(LIVE_QUEUE_WAITS, signal);
            }
        }
    }

    /** Recomputes the session and emits what changed; queue signals only for the events in {@code signalFor}. */
    private void recomputeAndEmit(String sessionId, Set<String> signalFor, Context ctx, Collector<SessionRow> out)
            throws Exception {
        List<SessionEvent> events = new ArrayList<>();
        for (SessionEvent e : applied.get()) {
            events.add(e);
        }
        SessionTimeline.Result result = SessionTimeline.compute(sessionId, events, config);
        long version = result.row().version();

        if (!result.row().sameContentAs(emittedRow.value())) {
            out.collect(result.row());
            emittedRow.update(result.row());
        }

        Map<String, KpiFact> current = new HashMap<>();
        for (KpiFact fact : result.facts()) {
            current.put(fact.factId(), fact);
            if (!fact.sameContentAs(emittedFacts.get(fact.factId()))) {
                ctx.output(FACTS, fact);
                emittedFacts.put(fact.factId(), fact);
            }
        }
        List<KpiFact> retracted = new ArrayList<>();
        for (Map.Entry<String, KpiFact> entry : emittedFacts.entries()) {
            if (!current.containsKey(entry.getKey()) && !entry.getValue().deleted()) {
                retracted.add(entry.getValue().asDeleted(version));
            }
        }
        for (KpiFact gone : retracted) {
            ctx.output(FACTS, gone);
            emittedFacts.put(gone.factId(), gone);
        }

        if (!signalFor.isEmpty()) {
            for (QueueSignal signal : result.signals()) {
                if (signalFor.contains(signal.eventId())) {
                    ctx.output(QUEUE_SIGNALS, signal);
                }
            }
        }
    }

    private void clearSession() {
        seenEventIds.clear();
        applied.clear();
        pending.clear();
        flushTimer.clear();
        cleanupTimer.clear();
        latestTs.clear();
        emittedRow.clear();
        emittedFacts.clear();
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
