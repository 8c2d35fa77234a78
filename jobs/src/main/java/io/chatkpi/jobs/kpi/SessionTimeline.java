package io.chatkpi.jobs.kpi;

import io.chatkpi.ingest.event.Actor;
import io.chatkpi.ingest.event.EventType;
import io.chatkpi.ingest.event.NotRoutedReason;
import io.chatkpi.ingest.event.Sender;
import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.jobs.kpi.SessionRow.Status;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A session's KPIs as a pure function of its events: the row, every fact and every queue signal, computed by
 * walking the events in canonical order. The operator recomputes this on every change (sessions have tens of
 * events), which makes late and out-of-order events exact by construction: the result depends only on the set of
 * events, never on their arrival order. Definitions: README.md ("Per-session KPIs").
 */
public final class SessionTimeline {

    /**
     * The order events are applied in: time, then lifecycle order for equal times (so a REP_JOINED precedes a
     * MESSAGE of the same millisecond, an ENDED precedes its ACW_COMPLETED), then eventId, to be total.
     */
    public static final Comparator<SessionEvent> CANONICAL_ORDER = Comparator
            .comparingLong(SessionEvent::ts)
            .thenComparingInt((SessionEvent e) -> lifecycleRank(e.type()))
            .thenComparing(SessionEvent::eventId);

    /** The row, the facts (in event order) and the queue signals (in event order, each naming its cause). */
    public record Result(SessionRow row, List<KpiFact> facts, List<QueueSignal> signals) {}

    private SessionTimeline() {}

    static int lifecycleRank(EventType type) {
        return switch (type) {
            case SESSION_STARTED -> 0;
            case QUEUED -> 1;
            case NOT_ROUTED -> 2;
            case REP_JOINED -> 3;
            case MESSAGE -> 4;
            case INACTIVE -> 5;
            case ENDED -> 6;
            case ACW_COMPLETED -> 7;
        };
    }

    /**
     * @param events the session's events in any order; a repeated eventId counts once
     * @throws IllegalArgumentException if there are no events or one belongs to another session
     */
    public static Result compute(String sessionId, Collection<SessionEvent> events, SessionKpiConfig config) {
        return foldAll(sessionId, events, config).result();
    }

    /** The queue signals of {@link #compute}, without building the row and the facts. */
    public static List<QueueSignal> signals(String sessionId, Collection<SessionEvent> events, SessionKpiConfig config) {
        return foldAll(sessionId, events, config).signals();
    }

    private static Fold foldAll(String sessionId, Collection<SessionEvent> events, SessionKpiConfig config) {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("no events for session " + sessionId);
        }
        List<SessionEvent> ordered = new ArrayList<>(events);
        ordered.sort(CANONICAL_ORDER);
        Fold fold = new Fold(sessionId, config);
        fold.applyInOrder(ordered);
        return fold;
    }

    /**
     * A pass over a session's events that can be continued: {@link #compute} over a set of events equals a fold
     * that was given the same events in canonical order, in any number of steps. The operator keeps one per open
     * session so that events applied at a flush (all newer than everything applied before) cost what they add, not
     * a walk over the whole session; anything else (a late event) needs {@link #compute} over every event.
     */
    static final class Fold {
        private final String sessionId;
        private final Walk walk;
        private final Set<String> applied = new HashSet<>();
        private SessionEvent last;

        Fold(String sessionId, SessionKpiConfig config) {
            this.sessionId = sessionId;
            this.walk = new Walk(sessionId, config);
        }

        /** Whether {@code ordered} (in canonical order) all comes after every event applied so far. */
        boolean continuesWith(List<SessionEvent> ordered) {
            return last == null || ordered.isEmpty() || CANONICAL_ORDER.compare(ordered.get(0), last) > 0;
        }

        /**
         * Applies events given in canonical order, each after every event applied before; a repeated eventId counts
         * once.
         *
         * @throws IllegalArgumentException if an event belongs to another session or is out of order
         */
        void applyInOrder(List<SessionEvent> ordered) {
            for (SessionEvent e : ordered) {
                if (!sessionId.equals(e.sessionId())) {
                    throw new IllegalArgumentException("event " + e.eventId() + " belongs to " + e.sessionId()
                            + ", not " + sessionId);
                }
                if (last != null && CANONICAL_ORDER.compare(e, last) < 0) {
                    throw new IllegalArgumentException("event " + e.eventId() + " comes before " + last.eventId()
                            + ", which is already applied");
                }
                if (applied.add(e.eventId())) {
                    walk.apply(e);
                    last = e;
                }
            }
        }

        /** Distinct events applied: the session's version. */
        long applied() {
            return applied.size();
        }

        Result result() {
            return walk.result(applied.size());
        }

        /** {@code result().signals()}, without building the row and the facts. */
        List<QueueSignal> signals() {
            return List.copyOf(walk.signals);
        }
    }

    /** The state of one pass over a session's events. */
    private static final class Walk {
        private final String sessionId;
        private final SessionKpiConfig config;
        private final List<KpiFact> facts = new ArrayList<>();
        private final List<QueueSignal> signals = new ArrayList<>();

        private Status status = Status.STARTED;
        private Long earliestTs;
        private SessionEvent startedEvent;
        private String channel;
        private String topic;
        private String queueId;
        private String lastJoinedRep;

        // the waiting segment (status WAITING): its start, its queue and every QUEUED (ENTERED signal) it holds
        private long segmentStart;
        private String segmentQueue;
        private final List<QueueSignal> segmentEntries = new ArrayList<>();

        // the rep assignment in force; while Inactive, the one the INACTIVE ended stays the one facts name
        private boolean assignmentOpen;
        private String assignmentRep;
        private String assignmentQueue;
        private long assignmentStart;
        private Long lastJoinTs;

        private Long firstQueuedTs;
        private boolean repMessageSeen;
        private Long firstResponseMs;
        private Long unansweredSinceTs;
        private int repReplies;
        private long repResponseSumMs;
        private Long repMaxResponseMs;

        private long waitMs;
        private int queueWaits;
        private long handleMs;
        private Long endedAtMs;
        private String endedBy;
        private Long acwMs;
        private int inactiveCount;
        private int autoInactiveCount;
        private boolean reactivated;
        private boolean endedAfterInactivity;
        private boolean abandoned;
        private String notRoutedReason;
        private boolean caseCreated;
        private int endUserMessages;
        private int repMessages;

        Walk(String sessionId, SessionKpiConfig config) {
            this.sessionId = sessionId;
            this.config = config;
        }

        void apply(SessionEvent e) {
            if (earliestTs == null) {
                earliestTs = e.ts();
            }
            switch (e.type()) {
                case SESSION_STARTED -> started(e);
                case QUEUED -> queued(e);
                case NOT_ROUTED -> notRouted(e);
                case REP_JOINED -> repJoined(e);
                case MESSAGE -> message(e);
                case INACTIVE -> inactive(e);
                case ENDED -> ended(e);
                case ACW_COMPLETED -> acwCompleted(e);
            }
        }

        private void started(SessionEvent e) {
            if (startedEvent == null) {
                startedEvent = e;
            }
            if (channel == null && e.channel() != null) {
                channel = e.channel().name();
            }
            if (topic == null) {
                topic = e.topic();
            }
        }

        private void queued(SessionEvent e) {
            if (status == Status.ENDED) {
                return; // nothing routes an ended session; see "Events after ENDED" in the README
            }
            if (e.queueId() != null) { // the contract requires it; an older queue is the best guess otherwise
                queueId = e.queueId();
            }
            fact(FactKind.QUEUED, e, queueOrEmpty(), repInForce(), null, "", false);
            if (firstQueuedTs == null) {
                firstQueuedTs = e.ts();
            }
            if (status == Status.INACTIVE) {
                reactivated = true;
                fact(FactKind.REACTIVATED, e, queueOrEmpty(), repInForce(), null, "", false);
            }
            QueueSignal entered = QueueSignal.entered(queueOrEmpty(), sessionId, e.ts(), e.eventId());
            signals.add(entered);
            if (status != Status.WAITING) {
                segmentStart = e.ts();
                segmentEntries.clear();
            }
            // a QUEUED while already Waiting keeps the segment's start and moves it to the new queue
            segmentQueue = queueOrEmpty();
            segmentEntries.add(entered);
            status = Status.WAITING;
        }

        private void notRouted(SessionEvent e) {
            if (status == Status.ENDED) {
                return;
            }
            NotRoutedReason reason = e.reason() == null ? NotRoutedReason.OTHER : e.reason();
            notRoutedReason = reason.name();
            boolean withCase = Boolean.TRUE.equals(e.caseCreated());
            fact(FactKind.NOT_ROUTED, e, queueOrEmpty(), repInForce(), null, reason.name(), withCase);
            if (withCase) {
                caseCreated = true;
                fact(FactKind.CASE_CREATED, e, queueOrEmpty(), repInForce(), null, "", false);
            }
            if (status == Status.WAITING) {
                // the wait ended without a rep: its QUEUEDs get their actual wait, flagged like an abandon
                closeSegment(e, true);
            }
            // a reactivation that could not be routed leaves the session not routed, no longer Inactive: a
            // SYSTEM end after it is not an "ended after inactivity"
            if (status == Status.STARTED || status == Status.WAITING || status == Status.INACTIVE) {
                status = Status.NOT_ROUTED;
            }
        }

        private void repJoined(SessionEvent e) {
            if (status == Status.ENDED) {
                return;
            }
            if (e.queueId() != null) {
                queueId = e.queueId();
            }
            String rep = e.repId() == null ? "" : e.repId();
            if (assignmentOpen) {
                endAssignment(e); // a transfer
            }
            if (status == Status.WAITING) {
                long wait = e.ts() - segmentStart;
                String waitQueue = e.queueId() != null ? e.queueId() : segmentQueue;
                waitMs += wait;
                queueWaits++;
                fact(FactKind.ANSWERED, e, waitQueue, rep, wait, "", wait <= config.serviceLevelThresholdMs());
                signals.add(QueueSignal.queueWait(waitQueue, sessionId, e.ts(), segmentStart, e.eventId()));
                closeSegment(e, false);
            }
            lastJoinedRep = e.repId();
            lastJoinTs = e.ts();
            assignmentOpen = true;
            assignmentRep = rep;
            assignmentQueue = queueOrEmpty();
            assignmentStart = e.ts();
            fact(FactKind.JOINED, e, assignmentQueue, rep, null, "", false);
            status = Status.ACTIVE;
        }

        private void message(SessionEvent e) {
            if (e.sender() == Sender.END_USER) {
                endUserMessages++;
                if (unansweredSinceTs == null) {
                    unansweredSinceTs = e.ts();
                }
            } else if (e.sender() == Sender.REP) {
                repMessages++;
                if (!repMessageSeen) {
                    repMessageSeen = true;
                    if (firstQueuedTs != null) {
                        firstResponseMs = e.ts() - firstQueuedTs;
                        fact(FactKind.FIRST_RESPONSE, e, queueOrEmpty(), repInForce(), firstResponseMs, "", false);
                    }
                }
                if (unansweredSinceTs != null && lastJoinTs != null) {
                    long response = e.ts() - Math.max(unansweredSinceTs, lastJoinTs);
                    repReplies++;
                    repResponseSumMs += response;
                    repMaxResponseMs = repMaxResponseMs == null ? response : Math.max(repMaxResponseMs, response);
                    fact(FactKind.REP_RESPONSE, e, queueOrEmpty(), repInForce(), response, "", false);
                }
                unansweredSinceTs = null; // any REP message starts a new exchange, counted or not
            }
            // AUTO messages (bots, auto-responses) are no one's reply and are not counted
        }

        private void inactive(SessionEvent e) {
            if (status == Status.ENDED) {
                return;
            }
            boolean auto = e.by() == Actor.AUTO;
            inactiveCount++;
            if (auto) {
                autoInactiveCount++;
            }
            fact(FactKind.INACTIVE, e, queueOrEmpty(), repInForce(), null, auto ? "AUTO" : "REP", auto);
            if (assignmentOpen) {
                endAssignment(e);
            }
            if (status == Status.ACTIVE) {
                status = Status.INACTIVE;
            }
        }

        private void ended(SessionEvent e) {
            if (status == Status.ENDED) {
                return; // the first ENDED ends the session
            }
            endedAtMs = e.ts();
            endedBy = e.by() == null ? null : e.by().name();
            fact(FactKind.ENDED, e, queueOrEmpty(), repInForce(), null, endedBy == null ? "UNKNOWN" : endedBy, false);
            if (status == Status.WAITING) {
                abandoned = true;
                long waited = e.ts() - segmentStart;
                fact(FactKind.ABANDONED, e, segmentQueue, repInForce(), waited, "",
                        waited <= config.serviceLevelThresholdMs());
                closeSegment(e, true);
            }
            if (status == Status.INACTIVE && e.by() == Actor.SYSTEM) {
                endedAfterInactivity = true;
                fact(FactKind.ENDED_AFTER_INACTIVITY, e, queueOrEmpty(), repInForce(), null, "", false);
            }
            if (assignmentOpen) {
                endAssignment(e);
            }
            status = Status.ENDED;
        }

        private void acwCompleted(SessionEvent e) {
            if (status != Status.ENDED || lastJoinTs == null || acwMs != null) {
                return; // ACW follows the end of a session a rep handled; the first ACW_COMPLETED counts
            }
            acwMs = e.ts() - endedAtMs;
            String rep = e.repId() != null ? e.repId() : assignmentRep;
            fact(FactKind.ACW, e, assignmentQueue, rep, acwMs, "", false);
        }

        private void endAssignment(SessionEvent e) {
            long handle = e.ts() - assignmentStart;
            handleMs += handle;
            fact(FactKind.HANDLE, e, assignmentQueue, assignmentRep, handle, "", false);
            assignmentOpen = false;
        }

        private void closeSegment(SessionEvent e, boolean abandonedWait) {
            for (QueueSignal entered : segmentEntries) {
                signals.add(QueueSignal.segmentClosed(
                        entered.queueId(), sessionId, entered.queuedAtMs(), e.ts(), abandonedWait, e.eventId()));
            }
            segmentEntries.clear();
        }

        /** The rep facts name: the open assignment's; while Inactive, the one the INACTIVE ended; else none. */
        private String repInForce() {
            if (assignmentOpen || (status == Status.INACTIVE && assignmentRep != null)) {
                return assignmentRep;
            }
            return "";
        }

        private String queueOrEmpty() {
            return queueId == null ? "" : queueId;
        }

        private void fact(FactKind kind, SessionEvent e, String queue, String rep, Long valueMs, String detail,
                boolean flag) {
            facts.add(new KpiFact(KpiFact.factId(sessionId, kind, e.eventId()), sessionId, kind, e.ts(),
                    queue == null ? "" : queue, rep == null ? "" : rep, valueMs, detail, flag, 0, false));
        }

        /**
         * The SESSION_K facts ({@link FactKind#sessionKindOf}): per K, the earliest K fact of each (queueId, repId),
         * and of each queueId and of the session, found in one pass over the facts.
         */
        private void addSessionFacts(List<KpiFact> all, long version) {
            Map<FactKind, Map<List<String>, KpiFact>> byRow = new EnumMap<>(FactKind.class);
            Map<FactKind, Map<String, KpiFact>> byQueue = new EnumMap<>(FactKind.class);
            Map<FactKind, KpiFact> bySession = new EnumMap<>(FactKind.class);
            for (KpiFact f : all) {
                FactKind sessionKind = FactKind.sessionKindOf(f.kind());
                if (sessionKind == null) {
                    continue;
                }
                byRow.computeIfAbsent(sessionKind, k -> new LinkedHashMap<>())
                        .merge(List.of(f.queueId(), f.repId()), f, Walk::earlier);
                byQueue.computeIfAbsent(sessionKind, k -> new HashMap<>()).merge(f.queueId(), f, Walk::earlier);
                bySession.merge(sessionKind, f, Walk::earlier);
            }
            byRow.forEach((sessionKind, rows) -> rows.values().forEach(first -> {
                String detail = levelsDetail(first == bySession.get(sessionKind),
                        first == byQueue.get(sessionKind).get(first.queueId()));
                String eventId = first.factId().substring(sessionId.length() + first.kind().name().length() + 2);
                all.add(new KpiFact(KpiFact.factId(sessionId, sessionKind, eventId), sessionId, sessionKind,
                        first.atMs(), first.queueId(), first.repId(), null, detail, false, version, false));
            }));
        }

        /**
         * The detail of a SESSION_K fact: the levels it is the first of. One constant per combination, as the session
         * operator keeps its emitted facts for the retention.
         */
        private static String levelsDetail(boolean sessionLevel, boolean queueLevel) {
            if (sessionLevel) {
                return queueLevel ? SESSION_QUEUE_REP : SESSION_REP;
            }
            return queueLevel ? QUEUE_REP : FactKind.REP_LEVEL;
        }

        private static final String SESSION_QUEUE_REP =
                FactKind.SESSION_LEVEL + "," + FactKind.QUEUE_LEVEL + "," + FactKind.REP_LEVEL;
        private static final String SESSION_REP = FactKind.SESSION_LEVEL + "," + FactKind.REP_LEVEL;
        private static final String QUEUE_REP = FactKind.QUEUE_LEVEL + "," + FactKind.REP_LEVEL;

        private static KpiFact earlier(KpiFact a, KpiFact b) {
            int byTime = Long.compare(a.atMs(), b.atMs());
            return byTime < 0 || (byTime == 0 && a.factId().compareTo(b.factId()) <= 0) ? a : b;
        }

        Result result(long version) {
            List<KpiFact> all = new ArrayList<>(facts.size() + 1);
            if (startedEvent != null) {
                // the session's queue is only known later, so STARTED is built last
                all.add(new KpiFact(KpiFact.factId(sessionId, FactKind.STARTED, startedEvent.eventId()), sessionId,
                        FactKind.STARTED, startedEvent.ts(), queueOrEmpty(), "", null, "", false, version, false));
            }
            for (KpiFact f : facts) {
                all.add(f.withVersion(version));
            }
            addSessionFacts(all, version);
            SessionRow row = new SessionRow(
                    sessionId, channel, topic, queueId, lastJoinedRep,
                    startedEvent != null ? startedEvent.ts() : earliestTs,
                    endedAtMs, endedBy, status, waitMs, queueWaits, firstResponseMs,
                    repReplies, repResponseSumMs,
                    repReplies == 0 ? null : (double) repResponseSumMs / repReplies,
                    repMaxResponseMs, handleMs, acwMs, inactiveCount, autoInactiveCount,
                    reactivated, endedAfterInactivity, abandoned, notRoutedReason, caseCreated,
                    endUserMessages, repMessages, version);
            return new Result(row, List.copyOf(all), List.copyOf(signals));
        }
    }
}
