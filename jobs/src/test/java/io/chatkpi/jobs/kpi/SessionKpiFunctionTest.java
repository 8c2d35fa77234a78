package io.chatkpi.jobs.kpi;

import static io.chatkpi.jobs.kpi.SessionEventFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatkpi.ingest.event.Actor;
import io.chatkpi.ingest.event.NotRoutedReason;
import io.chatkpi.ingest.event.Sender;
import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.jobs.kpi.SessionRow.Status;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SessionKpiFunctionTest {

    private static final SessionKpiConfig CONFIG = SessionKpiConfig.defaults();
    private final SessionEventFixtures s = new SessionEventFixtures("s1");

    private SessionKpiFunction function;
    private KeyedOneInputStreamOperatorTestHarness<String, SessionEvent, SessionRow> harness;

    @BeforeEach
    void open() throws Exception {
        harness = harness(CONFIG);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private KeyedOneInputStreamOperatorTestHarness<String, SessionEvent, SessionRow> harness(SessionKpiConfig config)
            throws Exception {
        function = new SessionKpiFunction(config);
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(function), SessionEvent::sessionId, Types.STRING);
        h.open();
        return h;
    }

    private void send(SessionEvent... events) throws Exception {
        for (SessionEvent e : events) {
            harness.processElement(e, e.ts());
        }
    }

    private void watermark(long relativeMs) throws Exception {
        harness.processWatermark(T0 + relativeMs);
    }

    private List<SessionRow> rows() {
        return harness.extractOutputValues();
    }

    private SessionRow lastRow() {
        List<SessionRow> rows = rows();
        return rows.get(rows.size() - 1);
    }

    private <T> List<T> side(OutputTag<T> tag) {
        var records = harness.getSideOutput(tag);
        return records == null ? List.of() : records.stream().map(StreamRecord::getValue).toList();
    }

    /** The facts as ClickHouse FINAL WHERE deleted = 0 would see them: the last emission per factId, not deleted. */
    private static Map<String, KpiFact> liveFacts(List<KpiFact> emitted) {
        Map<String, KpiFact> latest = new LinkedHashMap<>();
        for (KpiFact f : emitted) {
            KpiFact before = latest.get(f.factId());
            assertThat(before == null || f.version() > before.version())
                    .as("re-emission of %s must carry a higher version", f.factId()).isTrue();
            latest.put(f.factId(), f);
        }
        latest.values().removeIf(KpiFact::deleted);
        return latest;
    }

    private static Map<String, KpiFact> byId(List<KpiFact> facts) {
        return facts.stream().collect(Collectors.toMap(KpiFact::factId, f -> f, (a, b) -> a, LinkedHashMap::new));
    }

    private static void assertSameFacts(Map<String, KpiFact> actual, List<KpiFact> expected) {
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(byId(expected).keySet());
        for (KpiFact e : expected) {
            assertThat(actual.get(e.factId()).withVersion(0)).isEqualTo(e.withVersion(0));
        }
    }

    @Test
    void buffersUntilTheWatermarkPassesThenEmits() throws Exception {
        send(s.started("a", 0), s.queued("b", 1_010, "sales"), s.joined("c", 1_050, "r"));

        assertThat(harness.getOutput()).isEmpty();
        // cleanup timer + one flush timer, at the earliest pending event's own time
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);

        watermark(1_000);
        assertThat(rows()).hasSize(1);
        assertThat(lastRow()).extracting(SessionRow::status, SessionRow::version).containsExactly(Status.STARTED, 1L);
        assertThat(side(SessionKpiFunction.QUEUE_SIGNALS)).isEmpty();

        watermark(1_049);
        assertThat(rows()).hasSize(2); // the QUEUED at 1 010 is ready; the REP_JOINED at 1 050 waits
        assertThat(lastRow().status()).isEqualTo(Status.WAITING);
        watermark(1_050);
        assertThat(rows()).hasSize(3);
        assertThat(lastRow()).extracting(SessionRow::status, SessionRow::waitMs, SessionRow::version)
                .containsExactly(Status.ACTIVE, 40L, 3L);
        assertThat(side(SessionKpiFunction.QUEUE_SIGNALS)).extracting(QueueSignal::kind).containsExactly(
                QueueSignal.Kind.ENTERED, QueueSignal.Kind.QUEUE_WAIT, QueueSignal.Kind.SEGMENT_CLOSED);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1); // only the cleanup timer remains
        assertThat(function.lateEventCount()).isZero();
    }

    /**
     * The queue operator drops a signal at or behind its watermark as late; it must never get one: every signal at t
     * is out before this operator forwards a watermark >= t (here 1 070, between the join and the next 100 ms).
     */
    @Test
    void everySignalIsOutBeforeTheWatermarkThatPassesIt() throws Exception {
        send(s.started("a", 0), s.queued("b", 1_010, "sales"), s.joined("c", 1_050, "r"));
        watermark(1_070);
        assertThat(side(SessionKpiFunction.QUEUE_SIGNALS))
                .extracting(QueueSignal::kind, QueueSignal::atMs)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(QueueSignal.Kind.ENTERED, T0 + 1_010),
                        org.assertj.core.groups.Tuple.tuple(QueueSignal.Kind.QUEUE_WAIT, T0 + 1_050),
                        org.assertj.core.groups.Tuple.tuple(QueueSignal.Kind.SEGMENT_CLOSED, T0 + 1_050));
    }

    @Test
    void outOfOrderWithinTheBoundGivesTheInOrderResult() throws Exception {
        List<SessionEvent> inOrder = s.fullJourney();
        for (SessionEvent e : inOrder) {
            send(e);
        }
        watermark(1_000_000);
        SessionRow expectedRow = lastRow();
        List<QueueSignal> expectedSignals = side(SessionKpiFunction.QUEUE_SIGNALS);
        Map<String, KpiFact> expectedFacts = liveFacts(side(SessionKpiFunction.FACTS));
        harness.close();

        harness = harness(CONFIG);
        // the REP message arrives before the REP_JOINED that precedes it, the join before its QUEUED, ...
        List<SessionEvent> shuffled = new ArrayList<>(inOrder);
        java.util.Collections.reverse(shuffled);
        for (SessionEvent e : shuffled) {
            send(e);
        }
        watermark(1_000_000);

        assertThat(rows()).hasSize(1);
        assertThat(lastRow()).isEqualTo(expectedRow);
        assertThat(side(SessionKpiFunction.QUEUE_SIGNALS)).isEqualTo(expectedSignals);
        assertThat(liveFacts(side(SessionKpiFunction.FACTS))).isEqualTo(expectedFacts);
        assertThat(expectedRow.waitMs()).isEqualTo(120_000);
        assertThat(function.lateEventCount()).isZero();
    }

    @Test
    void aRepJoinedGivesTheQueueWaitItEndsAtOnceOnTheLiveSideOutput() throws Exception {
        send(s.started("a", 0), s.queued("b", 1_000, "sales"), s.joined("c", 31_000, "r"));

        QueueSignal wait = QueueSignal.queueWait("sales", "s1", T0 + 31_000, T0 + 1_000, "c");
        assertThat(rows()).as("nothing passed the watermark yet").isEmpty();
        assertThat(side(SessionKpiFunction.QUEUE_SIGNALS)).isEmpty();
        assertThat(side(SessionKpiFunction.LIVE_QUEUE_WAITS)).containsExactly(wait);

        watermark(40_000);
        assertThat(side(SessionKpiFunction.QUEUE_SIGNALS))
                .filteredOn(q -> q.kind() == QueueSignal.Kind.QUEUE_WAIT)
                .as("the exact signal, same identity").containsExactly(wait);
        assertThat(side(SessionKpiFunction.LIVE_QUEUE_WAITS)).hasSize(1);
    }

    @Test
    void noProvisionalQueueWaitForAJoinThatEndsNoWaitYetOrIsRepeatedOrLate() throws Exception {
        // the REP_JOINED overtook its QUEUED (within the bound): as far as is known, it ends no wait
        send(s.started("a", 0), s.joined("c", 31_000, "r"));
        assertThat(side(SessionKpiFunction.LIVE_QUEUE_WAITS)).isEmpty();
        send(s.queued("b", 1_000, "sales"));
        watermark(40_000);
        assertThat(side(SessionKpiFunction.QUEUE_SIGNALS)).extracting(QueueSignal::kind)
                .contains(QueueSignal.Kind.QUEUE_WAIT);

        SessionEventFixtures other = new SessionEventFixtures("s2");
        send(other.queued("x", 41_000, "sales"), other.joined("y", 45_000, "r"));
        send(other.joined("y", 45_000, "r"));
        assertThat(side(SessionKpiFunction.LIVE_QUEUE_WAITS)).as("a repeated REP_JOINED counts once")
                .extracting(QueueSignal::eventId).containsExactly("y");

        SessionEventFixtures late = new SessionEventFixtures("s3");
        send(late.queued("p", 10_000, "sales"), late.joined("q", 20_000, "r"));
        assertThat(side(SessionKpiFunction.LIVE_QUEUE_WAITS)).as("late: it rewrites no EWT, live or exact")
                .extracting(QueueSignal::eventId).containsExactly("y");
    }

    @Test
    void duplicatesCountOnce() throws Exception {
        send(s.started("a", 0), s.queued("b", 1_000, "q"), s.queued("b", 1_000, "q"), s.joined("c", 5_000, "r"));
        watermark(10_000);
        send(s.joined("c", 5_000, "r"), s.message("d", 11_000, Sender.END_USER), s.message("d", 11_000, Sender.END_USER));
        watermark(20_000);

        assertThat(lastRow()).extracting(SessionRow::waitMs, SessionRow::queueWaits, SessionRow::endUserMessages,
                SessionRow::version).containsExactly(4_000L, 1, 1, 4L);
        assertThat(side(SessionKpiFunction.QUEUE_SIGNALS)).extracting(QueueSignal::kind).containsExactly(
                QueueSignal.Kind.ENTERED, QueueSignal.Kind.QUEUE_WAIT, QueueSignal.Kind.SEGMENT_CLOSED);
        assertThat(function.duplicateEventCount()).isEqualTo(3);
        assertThat(function.lateEventCount()).isZero(); // a duplicate is dropped before it can count as late
    }

    @Test
    void lateEventRewritesTheRowAndFactsButSignalsNothing() throws Exception {
        send(s.started("a", 0), s.queued("b", 1_000, "q"), s.message("c", 2_000, Sender.END_USER),
                s.message("e", 9_000, Sender.REP));
        watermark(60_000);
        assertThat(lastRow()).extracting(SessionRow::status, SessionRow::repReplies).containsExactly(Status.WAITING, 0);
        int signalsBefore = side(SessionKpiFunction.QUEUE_SIGNALS).size();
        int rowsBefore = rows().size();

        send(s.joined("d", 5_000, "r")); // behind the watermark: late

        assertThat(function.lateEventCount()).isEqualTo(1);
        assertThat(rows()).hasSize(rowsBefore + 1); // emitted at once, no timer needed
        assertThat(lastRow()).extracting(SessionRow::status, SessionRow::waitMs, SessionRow::repReplies,
                        SessionRow::repMaxResponseMs, SessionRow::version)
                .containsExactly(Status.ACTIVE, 4_000L, 1, 4_000L, 5L);
        assertThat(side(SessionKpiFunction.QUEUE_SIGNALS)).hasSize(signalsBefore);
        Map<String, KpiFact> live = liveFacts(side(SessionKpiFunction.FACTS));
        assertThat(live).containsKeys("s1/ANSWERED/d", "s1/REP_RESPONSE/e", "s1/JOINED/d");
        assertThat(live.get("s1/REP_RESPONSE/e").repId()).isEqualTo("r");
    }

    @Test
    void lateEventRetractsFactsItInvalidates() throws Exception {
        send(s.started("a", 0), s.queued("b", 1_000, "q"), s.ended("d", 30_000, Actor.END_USER));
        watermark(60_000);
        assertThat(liveFacts(side(SessionKpiFunction.FACTS))).containsKey("s1/ABANDONED/d");
        assertThat(lastRow().abandoned()).isTrue();

        send(s.joined("c", 20_000, "r")); // late: the session was answered, not abandoned

        List<KpiFact> facts = side(SessionKpiFunction.FACTS);
        KpiFact retraction = facts.get(facts.size() - 1).factId().equals("s1/ABANDONED/d")
                ? facts.get(facts.size() - 1)
                : facts.stream().filter(f -> f.factId().equals("s1/ABANDONED/d") && f.deleted()).findFirst().orElseThrow();
        assertThat(retraction).extracting(KpiFact::deleted, KpiFact::version).containsExactly(true, 4L);
        Map<String, KpiFact> live = liveFacts(facts);
        assertThat(live).doesNotContainKey("s1/ABANDONED/d").containsKeys("s1/ANSWERED/c", "s1/HANDLE/d");
        assertThat(live.get("s1/ENDED/d").repId()).isEqualTo("r"); // changed fact re-emitted
        assertThat(lastRow()).extracting(SessionRow::abandoned, SessionRow::waitMs, SessionRow::handleMs)
                .containsExactly(false, 19_000L, 10_000L);
        assertSameFacts(live, SessionTimeline.compute("s1",
                List.of(s.started("a", 0), s.queued("b", 1_000, "q"), s.joined("c", 20_000, "r"),
                        s.ended("d", 30_000, Actor.END_USER)), CONFIG).facts());

        assertChangesChainTheFacts();
        List<FactChange> changes = side(SessionKpiFunction.FACT_CHANGES);
        FactChange abandonedGone = changes.stream().filter(c -> c.current().equals(retraction)).findFirst().orElseThrow();
        assertThat(abandonedGone.previous()).extracting(KpiFact::deleted, KpiFact::valueMs).containsExactly(false, 29_000L);
        FactChange endedMoved = changes.stream()
                .filter(c -> c.current().factId().equals("s1/ENDED/d") && c.previous() != null).findFirst().orElseThrow();
        assertThat(endedMoved.previous().repId()).isEmpty();
        assertThat(endedMoved.current().repId()).isEqualTo("r");
    }

    /**
     * The fact changes are the facts' emissions one for one, each naming as previous the fact emitted before for its
     * factId (null for the first).
     */
    private void assertChangesChainTheFacts() {
        List<KpiFact> facts = side(SessionKpiFunction.FACTS);
        List<FactChange> changes = side(SessionKpiFunction.FACT_CHANGES);
        assertThat(changes).extracting(FactChange::current).containsExactlyElementsOf(facts);
        Map<String, KpiFact> last = new HashMap<>();
        for (FactChange c : changes) {
            assertThat(c.previous()).as("previous of %s", c.current().factId()).isEqualTo(last.get(c.current().factId()));
            last.put(c.current().factId(), c.current());
        }
    }

    @Test
    void reactivatedSessionSignalsTwoQueueWaits() throws Exception {
        send(s.fullJourney().toArray(SessionEvent[]::new));
        watermark(500_000);

        assertThat(side(SessionKpiFunction.QUEUE_SIGNALS))
                .filteredOn(sig -> sig.kind() == QueueSignal.Kind.QUEUE_WAIT)
                .extracting(QueueSignal::queueId, QueueSignal::waitMs)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("sales", 30_000L),
                        org.assertj.core.groups.Tuple.tuple("support", 90_000L));
        assertThat(lastRow().reactivated()).isTrue();
    }

    @Test
    void abandonedSessionClosesItsSegmentWithoutAQueueWait() throws Exception {
        send(s.started("a", 0), s.queued("b", 1_000, "q"), s.ended("c", 41_000, Actor.END_USER));
        watermark(50_000);

        assertThat(side(SessionKpiFunction.QUEUE_SIGNALS))
                .extracting(QueueSignal::kind, QueueSignal::abandoned, QueueSignal::waitMs)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(QueueSignal.Kind.ENTERED, false, 0L),
                        org.assertj.core.groups.Tuple.tuple(QueueSignal.Kind.SEGMENT_CLOSED, true, 40_000L));
        assertThat(lastRow().abandoned()).isTrue();
    }

    @Test
    void notRoutedSessionSignalsNothing() throws Exception {
        send(s.started("a", 0), s.notRouted("b", 10, NotRoutedReason.NO_REPS_AVAILABLE, true),
                s.ended("c", 20, Actor.SYSTEM));
        watermark(50_000);

        assertThat(side(SessionKpiFunction.QUEUE_SIGNALS)).isEmpty();
        assertThat(lastRow()).extracting(SessionRow::notRoutedReason, SessionRow::caseCreated)
                .containsExactly("NO_REPS_AVAILABLE", true);
    }

    /**
     * Every event decoded from Kafka brings its own String instances; the session keeps one sessionId instance (the
     * first event's) and one instance per queue and rep value, and what it emits refers to those.
     */
    @Test
    void storedEventsShareTheSessionsIdAndOnePooledInstancePerQueueAndRep() throws Exception {
        SessionEvent started = s.started("a", 0);
        send(started,
                copyOfStrings(s.queued("b", 1_000, "sales")),
                copyOfStrings(s.joined("c", 5_000, "alice", "sales")),
                copyOfStrings(s.message("d", 6_000, Sender.REP).withRepId("alice")));
        watermark(10_000);
        SessionEvent lateMessage = copyOfStrings(s.message("e", 7_000, Sender.REP).withRepId("alice"));
        send(lateMessage);

        assertThat(rows()).allSatisfy(row -> assertThat(row.sessionId()).isSameAs(started.sessionId()));
        List<KpiFact> facts = side(SessionKpiFunction.FACTS);
        assertThat(facts).extracting(KpiFact::sessionId).allSatisfy(id -> assertThat(id).isSameAs(started.sessionId()));
        List<KpiFact> ofSales = facts.stream().filter(f -> f.queueId().equals("sales")).toList();
        List<KpiFact> ofAlice = facts.stream().filter(f -> f.repId().equals("alice")).toList();
        assertThat(ofSales).hasSizeGreaterThan(2);
        assertThat(ofAlice).hasSizeGreaterThan(2);
        assertThat(ofSales).allSatisfy(f -> assertThat(f.queueId()).isSameAs(ofSales.get(0).queueId()));
        assertThat(ofAlice).allSatisfy(f -> assertThat(f.repId()).isSameAs(ofAlice.get(0).repId()));
        // the late event was applied (and is kept) with the same instances
        assertThat(lastRow().repMessages()).isEqualTo(2);
        assertThat(lastRow().repId()).isSameAs(ofAlice.get(0).repId());
    }

    /** The event with a new instance of each of its Strings, as the Kafka deserializer gives it. */
    private static SessionEvent copyOfStrings(SessionEvent e) {
        return new SessionEvent(copy(e.eventId()), copy(e.sessionId()), e.type(), e.ts(), e.channel(), copy(e.topic()),
                copy(e.queueId()), copy(e.repId()), e.sender(), e.by(), e.reason(), e.caseCreated());
    }

    private static String copy(String value) {
        return value == null ? null : new String(value);
    }

    @Test
    void unchangedRowIsNotReEmitted() throws Exception {
        send(s.started("a", 0), s.queued("b", 1_000, "q"));
        watermark(5_000);
        int rowsBefore = rows().size();
        int factsBefore = side(SessionKpiFunction.FACTS).size();
        send(s.message("c", 6_000, Sender.AUTO));
        watermark(10_000);
        assertThat(rows()).hasSize(rowsBefore);
        assertThat(side(SessionKpiFunction.FACTS)).hasSize(factsBefore);
    }

    @Test
    void stateIsClearedAfterRetentionAndARedeliveryStartsAfresh() throws Exception {
        SessionKpiConfig shortRetention = new SessionKpiConfig(60_000, 3_600_000);
        harness.close();
        harness = harness(shortRetention);
        send(s.started("a", 0), s.queued("b", 1_000, "q"), s.joined("c", 2_000, "r"));
        watermark(10_000);
        assertThat(harness.numKeyedStateEntries()).isPositive();
        send(s.ended("d", 1_800_000, Actor.REP)); // moves the session's last event: cleanup must wait for it
        watermark(3_600_000);
        assertThat(harness.numKeyedStateEntries()).isPositive();
        assertThat(lastRow().status()).isEqualTo(Status.ENDED);

        watermark(1_800_000 + 3_600_000 - 1);
        assertThat(harness.numKeyedStateEntries()).isPositive();
        watermark(1_800_000 + 3_600_000);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();

        int rowsBefore = rows().size();
        send(s.ended("d", 1_800_000, Actor.REP)); // redelivered after cleanup: late, a fresh one-event session
        assertThat(function.lateEventCount()).isEqualTo(1);
        assertThat(lastRow()).extracting(SessionRow::version, SessionRow::status).containsExactly(1L, Status.ENDED);
        assertThat(rows()).hasSize(rowsBefore + 1);
        // its facts carry ids the full session emitted with higher versions, so they win in ClickHouse
        assertThat(side(SessionKpiFunction.FACTS)).filteredOn(f -> f.version() == 1 && f.atMs() == T0 + 1_800_000)
                .extracting(KpiFact::factId).containsExactly("s1/ENDED/d");
        watermark(1_800_000 + 2 * 3_600_000);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    /**
     * Many interleaved random sessions, delivered shuffled within a 5 s bound with the watermark held back by the
     * bound: every session's final row, live facts and signal sequence equal the pure function's over all its
     * events. Then the same with the watermark not held back (many late events): rows and facts still equal.
     */
    @Test
    void randomShuffledDeliveryMatchesThePureFunction() throws Exception {
        long bound = 5_000;
        Random rnd = new Random(7);
        Map<String, List<SessionEvent>> sessions = new LinkedHashMap<>();
        List<SessionEvent[]> arrivals = new ArrayList<>(); // {event} with an arrival time in a parallel list
        List<Long> arrivalTimes = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String id = "r" + i;
            List<SessionEvent> events = new SessionEventFixtures(id).random(rnd);
            long offset = rnd.nextInt(120_000);
            events = events.stream().map(e -> e.withTs(e.ts() + offset)).toList();
            sessions.put(id, events);
            for (SessionEvent e : events) {
                int copies = rnd.nextInt(10) == 0 ? 2 : 1; // some redeliveries
                for (int c = 0; c < copies; c++) {
                    arrivals.add(new SessionEvent[] {e});
                    arrivalTimes.add(e.ts() + rnd.nextInt((int) bound + 1));
                }
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < arrivals.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing(arrivalTimes::get));

        for (long lag : new long[] {bound + 1, 0}) {
            harness.close();
            harness = harness(CONFIG);
            long maxTs = Long.MIN_VALUE;
            for (int i : order) {
                SessionEvent e = arrivals.get(i)[0];
                harness.processElement(e, e.ts());
                maxTs = Math.max(maxTs, e.ts());
                harness.processWatermark(maxTs - lag);
            }
            harness.processWatermark(maxTs + 60_000);

            Map<String, SessionRow> lastRows = new HashMap<>();
            for (SessionRow row : rows()) {
                lastRows.put(row.sessionId(), row);
            }
            Map<String, List<KpiFact>> factsBySession = side(SessionKpiFunction.FACTS).stream()
                    .collect(Collectors.groupingBy(KpiFact::sessionId));
            Map<String, List<QueueSignal>> signalsBySession = side(SessionKpiFunction.QUEUE_SIGNALS).stream()
                    .collect(Collectors.groupingBy(QueueSignal::sessionId));
            for (var entry : sessions.entrySet()) {
                SessionTimeline.Result expected = SessionTimeline.compute(entry.getKey(), entry.getValue(), CONFIG);
                // a row is emitted only when its content changes (an AUTO message changes nothing)
                SessionRow last = lastRows.get(entry.getKey());
                assertThat(last.withVersion(0)).as("lag %d, row of %s", lag, entry.getKey())
                        .isEqualTo(expected.row().withVersion(0));
                assertThat(last.version()).isLessThanOrEqualTo(expected.row().version());
                assertSameFacts(liveFacts(factsBySession.getOrDefault(entry.getKey(), List.of())), expected.facts());
                if (lag > bound) {
                    assertThat(signalsBySession.getOrDefault(entry.getKey(), List.of()))
                            .as("signals of %s", entry.getKey()).isEqualTo(expected.signals());
                }
            }
            if (lag > bound) {
                assertThat(function.lateEventCount()).isZero();
            } else {
                assertThat(function.lateEventCount()).isPositive();
            }
            assertThat(function.duplicateEventCount()).isEqualTo(arrivals.size() - sessions.values().stream()
                    .mapToInt(List::size).sum());
            assertChangesChainTheFacts();
        }
    }
}
