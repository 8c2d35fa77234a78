package io.chatkpi.jobs.replay;

import io.chatkpi.ingest.event.Actor;
import io.chatkpi.ingest.event.NotRoutedReason;
import io.chatkpi.ingest.event.Sender;
import io.chatkpi.ingest.event.SessionEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The KPI definitions of the jobs issue computed the plain way, with no Flink and no shared code: sort all
 * events, walk each session, brute-force the EWT at every instant it can change. The replay test compares the
 * jobs' output with this.
 */
public final class ReferenceKpis {

    static final long WINDOW_MS = 10 * 60 * 1000L;
    static final int MAX_SAMPLES = 10;

    /** One queue wait: queue, time it ended, the wait, and what orders equal times. */
    record Wait(String queueId, long atMs, long waitMs, String sessionId, String eventId) {}

    /** One fact of a kind that has a distinct-session count (ANSWERED, JOINED, INACTIVE, REACTIVATED). */
    record Occurrence(String sessionId, String kind, String eventId, long atMs, String queueId, String repId) {}

    public final Map<String, Map<String, Object>> sessions = new TreeMap<>();
    final List<Wait> waits = new ArrayList<>();
    final List<Occurrence> occurrences = new ArrayList<>();

    public static ReferenceKpis of(List<SessionEvent> all) {
        ReferenceKpis ref = new ReferenceKpis();
        Map<String, Map<String, SessionEvent>> bySession = new TreeMap<>();
        for (SessionEvent e : all) {
            bySession.computeIfAbsent(e.sessionId(), k -> new LinkedHashMap<>()).putIfAbsent(e.eventId(), e);
        }
        for (var entry : bySession.entrySet()) {
            List<SessionEvent> events = new ArrayList<>(entry.getValue().values());
            events.sort(Comparator.comparingLong(SessionEvent::ts)
                    .thenComparing(e -> e.type().ordinal())
                    .thenComparing(SessionEvent::eventId));
            ref.sessions.put(entry.getKey(), ref.walk(entry.getKey(), events));
        }
        return ref;
    }

    private Map<String, Object> walk(String sessionId, List<SessionEvent> events) {
        String channel = null, topic = null, queueId = null, repId = null, status = null, endedBy = null;
        String notRoutedReason = null;
        Long startedAt = null, endedAt = null, firstQueuedAt = null, firstRepMessageAt = null;
        boolean waiting = false, joined = false, reactivated = false, endedAfterInactivity = false, abandoned = false;
        boolean caseCreated = false;
        long segmentStart = 0;
        String segmentQueue = null;
        Long assignmentStart = null;
        Long lastJoinAt = null;
        Long firstUnansweredUserMessageAt = null;
        long waitMs = 0, handleMs = 0;
        Long acwMs = null;
        int inactiveCount = 0, autoInactiveCount = 0, endUserMessages = 0, repMessages = 0;
        List<Long> responses = new ArrayList<>();

        for (SessionEvent e : events) {
            if (startedAt == null) startedAt = e.ts();
            switch (e.type()) {
                case SESSION_STARTED -> {
                    startedAt = e.ts();
                    if (status == null) status = "STARTED";
                    channel = e.channel() == null ? channel : e.channel().name();
                    topic = e.topic() == null ? topic : e.topic();
                }
                case QUEUED -> {
                    if (firstQueuedAt == null) firstQueuedAt = e.ts();
                    if ("INACTIVE".equals(status)) {
                        reactivated = true;
                        occurrences.add(new Occurrence(sessionId, "REACTIVATED", e.eventId(), e.ts(),
                                orEmpty(e.queueId() != null ? e.queueId() : queueId), orEmpty(repId)));
                    }
                    if (!waiting) {
                        waiting = true;
                        segmentStart = e.ts();
                    }
                    segmentQueue = e.queueId();
                    queueId = e.queueId();
                    status = "WAITING";
                }
                case NOT_ROUTED -> {
                    status = "NOT_ROUTED";
                    notRoutedReason = (e.reason() == null ? NotRoutedReason.OTHER : e.reason()).name();
                    caseCreated |= Boolean.TRUE.equals(e.caseCreated());
                }
                case REP_JOINED -> {
                    if (!"ENDED".equals(status)) {
                        if (waiting) {
                            occurrences.add(new Occurrence(sessionId, "ANSWERED", e.eventId(), e.ts(),
                                    orEmpty(e.queueId() != null ? e.queueId() : segmentQueue), orEmpty(e.repId())));
                        }
                        occurrences.add(new Occurrence(sessionId, "JOINED", e.eventId(), e.ts(),
                                orEmpty(e.queueId() != null ? e.queueId() : queueId), orEmpty(e.repId())));
                    }
                    if (waiting) {
                        String q = e.queueId() != null ? e.queueId() : segmentQueue;
                        waits.add(new Wait(q, e.ts(), e.ts() - segmentStart, sessionId, e.eventId()));
                        waitMs += e.ts() - segmentStart;
                        waiting = false;
                    }
                    if (e.queueId() != null) queueId = e.queueId();
                    if (assignmentStart != null) handleMs += e.ts() - assignmentStart;
                    assignmentStart = e.ts();
                    lastJoinAt = e.ts();
                    repId = e.repId();
                    joined = true;
                    status = "ACTIVE";
                }
                case MESSAGE -> {
                    if (e.sender() == Sender.END_USER) {
                        endUserMessages++;
                        if (firstUnansweredUserMessageAt == null) firstUnansweredUserMessageAt = e.ts();
                    } else if (e.sender() == Sender.REP) {
                        repMessages++;
                        if (firstRepMessageAt == null) firstRepMessageAt = e.ts();
                        if (firstUnansweredUserMessageAt != null && lastJoinAt != null) {
                            responses.add(e.ts() - Math.max(firstUnansweredUserMessageAt, lastJoinAt));
                        }
                        firstUnansweredUserMessageAt = null;
                    }
                }
                case INACTIVE -> {
                    if (!"ENDED".equals(status)) {
                        // the rep named is the assignment's this INACTIVE ends, or the one an earlier INACTIVE ended
                        boolean repInForce = assignmentStart != null || "INACTIVE".equals(status);
                        occurrences.add(new Occurrence(sessionId, "INACTIVE", e.eventId(), e.ts(), orEmpty(queueId),
                                repInForce ? orEmpty(repId) : ""));
                    }
                    inactiveCount++;
                    if (e.by() == Actor.AUTO) autoInactiveCount++;
                    if (assignmentStart != null) {
                        handleMs += e.ts() - assignmentStart;
                        assignmentStart = null;
                    }
                    status = "INACTIVE";
                }
                case ENDED -> {
                    if (waiting) {
                        abandoned = true;
                        waiting = false;
                    }
                    if ("INACTIVE".equals(status) && e.by() == Actor.SYSTEM) endedAfterInactivity = true;
                    if (assignmentStart != null) {
                        handleMs += e.ts() - assignmentStart;
                        assignmentStart = null;
                    }
                    endedAt = e.ts();
                    endedBy = e.by() == null ? null : e.by().name();
                    status = "ENDED";
                }
                case ACW_COMPLETED -> {
                    if (joined && endedAt != null) acwMs = e.ts() - endedAt;
                }
            }
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("sessionId", sessionId);
        row.put("channel", channel);
        row.put("topic", topic);
        row.put("queueId", queueId);
        row.put("repId", repId);
        row.put("startedAt", iso(startedAt));
        row.put("endedAt", iso(endedAt));
        row.put("endedBy", endedBy);
        row.put("status", status);
        row.put("waitMs", waitMs);
        row.put("firstResponseMs", firstQueuedAt != null && firstRepMessageAt != null ? firstRepMessageAt - firstQueuedAt : null);
        row.put("repAvgResponseMs", responses.isEmpty() ? null : responses.stream().mapToLong(Long::longValue).average().getAsDouble());
        row.put("repMaxResponseMs", responses.isEmpty() ? null : responses.stream().mapToLong(Long::longValue).max().getAsLong());
        row.put("handleMs", handleMs);
        row.put("acwMs", acwMs);
        row.put("inactiveCount", inactiveCount);
        row.put("autoInactiveCount", autoInactiveCount);
        row.put("reactivated", reactivated);
        row.put("endedAfterInactivity", endedAfterInactivity);
        row.put("abandoned", abandoned);
        row.put("notRoutedReason", notRoutedReason);
        row.put("caseCreated", caseCreated);
        row.put("endUserMessages", endUserMessages);
        row.put("repMessages", repMessages);
        return row;
    }

    /**
     * The SESSION_* facts (README, "kpi_facts"): per session and kind K, one per (queueId, repId) at its first K fact
     * (by time, then eventId), with detail "session" / "queue" levels where it is also the first of the session /
     * of the queue, then "rep". Each as {factId, atMs, queueId, repId, detail}.
     */
    public List<Map<String, Object>> sessionFacts() {
        Map<String, List<Occurrence>> bySessionAndKind = new TreeMap<>();
        for (Occurrence o : occurrences) {
            bySessionAndKind.computeIfAbsent(o.sessionId() + "/" + o.kind(), k -> new ArrayList<>()).add(o);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (List<Occurrence> ofKind : bySessionAndKind.values()) {
            ofKind.sort(Comparator.comparingLong(Occurrence::atMs).thenComparing(Occurrence::eventId));
            Set<List<String>> rowsSeen = new java.util.HashSet<>();
            Set<String> queuesSeen = new java.util.HashSet<>();
            for (Occurrence o : ofKind) {
                boolean firstOfQueue = queuesSeen.add(o.queueId());
                if (!rowsSeen.add(List.of(o.queueId(), o.repId()))) {
                    continue;
                }
                Map<String, Object> fact = new LinkedHashMap<>();
                fact.put("factId", o.sessionId() + "/SESSION_" + o.kind() + "/" + o.eventId());
                fact.put("atMs", o.atMs());
                fact.put("queueId", o.queueId());
                fact.put("repId", o.repId());
                fact.put("detail", (o == ofKind.get(0) ? "session," : "") + (firstOfQueue ? "queue," : "") + "rep");
                out.add(fact);
            }
        }
        return out;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** Every EWT change per queue, in asOf order: brute force at every instant a wait arrives or ages out. */
    public Map<String, List<Map<String, Object>>> ewtChanges() {
        Map<String, List<Wait>> byQueue = waits.stream().collect(Collectors.groupingBy(Wait::queueId, TreeMap::new, Collectors.toList()));
        Map<String, List<Map<String, Object>>> out = new TreeMap<>();
        for (var entry : byQueue.entrySet()) {
            List<Wait> qWaits = new ArrayList<>(entry.getValue());
            qWaits.sort(Comparator.comparingLong(Wait::atMs).thenComparing(Wait::sessionId).thenComparing(Wait::eventId));
            Set<Long> instants = new TreeSet<>();
            for (Wait w : qWaits) {
                instants.add(w.atMs());
                instants.add(w.atMs() + WINDOW_MS);
            }
            List<Map<String, Object>> changes = new ArrayList<>();
            List<Object> last = null;
            for (long t : instants) {
                List<Long> newestFirst = new ArrayList<>();
                for (int i = qWaits.size() - 1; i >= 0 && newestFirst.size() < MAX_SAMPLES; i--) {
                    Wait w = qWaits.get(i);
                    if (w.atMs() <= t && w.atMs() > t - WINDOW_MS) newestFirst.add(w.waitMs());
                }
                List<Object> figures = figures(newestFirst);
                if (!Objects.equals(figures, last)) {
                    Map<String, Object> rec = new LinkedHashMap<>();
                    rec.put("queueId", entry.getKey());
                    rec.put("asOf", iso(t));
                    rec.put("estimatedWaitMs", figures.get(0));
                    rec.put("meanWaitMs", figures.get(1));
                    rec.put("p50WaitMs", figures.get(2));
                    rec.put("p90WaitMs", figures.get(3));
                    rec.put("sampleSize", figures.get(4));
                    changes.add(rec);
                    last = figures;
                }
            }
            out.put(entry.getKey(), changes);
        }
        return out;
    }

    /** [weighted, mean, p50, p90, k], half-up rounding, nearest-rank percentiles; nulls when k = 0. */
    static List<Object> figures(List<Long> newestFirst) {
        int k = newestFirst.size();
        List<Object> f = new ArrayList<>();
        if (k == 0) {
            f.add(null); f.add(null); f.add(null); f.add(null); f.add(0);
            return f;
        }
        double weighted = 0, weights = 0, sum = 0;
        for (int i = 0; i < k; i++) {
            int weight = 10 - i;
            weighted += weight * (double) newestFirst.get(i);
            weights += weight;
            sum += newestFirst.get(i);
        }
        List<Long> sorted = new ArrayList<>(newestFirst);
        sorted.sort(null);
        f.add(Math.round(weighted / weights));
        f.add(Math.round(sum / k));
        f.add(sorted.get((int) Math.ceil(0.5 * k) - 1));
        f.add(sorted.get((int) Math.ceil(0.9 * k) - 1));
        f.add(k);
        return f;
    }

    private static String iso(Long ms) {
        return ms == null ? null : Instant.ofEpochMilli(ms).toString();
    }
}
