package io.chatkpi.jobs.kpi;

import static io.chatkpi.jobs.kpi.SessionEventFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.chatkpi.ingest.event.Actor;
import io.chatkpi.ingest.event.NotRoutedReason;
import io.chatkpi.ingest.event.Sender;
import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.jobs.kpi.SessionRow.Status;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

class SessionTimelineTest {

    private static final SessionKpiConfig CONFIG = SessionKpiConfig.defaults();
    private final SessionEventFixtures s = new SessionEventFixtures("s1");

    private static SessionTimeline.Result compute(List<SessionEvent> events) {
        return SessionTimeline.compute("s1", events, CONFIG);
    }

    private static KpiFact fact(SessionTimeline.Result r, FactKind kind, String eventId) {
        return r.facts().stream().filter(f -> f.factId().equals("s1/" + kind + "/" + eventId)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " at " + eventId + " in " + r.facts()));
    }

    @Test
    void fullJourneyGivesEveryRowField() {
        SessionRow row = compute(s.fullJourney()).row();

        assertThat(row).isEqualTo(new SessionRow("s1", "WEB", "billing", "vip", "carol", T0,
                T0 + 400_000, "END_USER", Status.ENDED,
                30_000 + 90_000, 2,
                39_000L, // first QUEUED (1 s) -> first REP message (40 s)
                3, 9_000 + 10_000 + 10_000, 29_000 / 3.0, 10_000L,
                69_000 + 30_000 + 80_000, // alice until INACTIVE, bob until transfer, carol until ENDED
                30_000L, 1, 0, true, false, false, null, false,
                4, 3, 17));
    }

    @Test
    void fullJourneyFactsAreAttributedToTheirQueueAndRep() {
        SessionTimeline.Result r = compute(s.fullJourney());

        assertThat(r.facts()).extracting(KpiFact::kind).containsExactly(
                FactKind.STARTED, FactKind.QUEUED, FactKind.ANSWERED, FactKind.JOINED, FactKind.FIRST_RESPONSE,
                FactKind.REP_RESPONSE, FactKind.REP_RESPONSE, FactKind.INACTIVE, FactKind.HANDLE, FactKind.QUEUED,
                FactKind.REACTIVATED, FactKind.ANSWERED, FactKind.JOINED, FactKind.HANDLE, FactKind.JOINED,
                FactKind.REP_RESPONSE, FactKind.ENDED, FactKind.HANDLE, FactKind.ACW,
                FactKind.SESSION_ANSWERED, FactKind.SESSION_ANSWERED,
                FactKind.SESSION_JOINED, FactKind.SESSION_JOINED, FactKind.SESSION_JOINED,
                FactKind.SESSION_INACTIVE, FactKind.SESSION_REACTIVATED);
        assertThat(r.facts()).allSatisfy(f -> assertThat(f.version()).isEqualTo(17));
        assertThat(fact(r, FactKind.STARTED, "e01")).extracting(KpiFact::queueId, KpiFact::atMs).containsExactly("vip", T0);
        assertThat(fact(r, FactKind.ANSWERED, "e04"))
                .extracting(KpiFact::queueId, KpiFact::repId, KpiFact::valueMs, KpiFact::flag, KpiFact::atMs)
                .containsExactly("sales", "alice", 30_000L, true, T0 + 31_000);
        assertThat(fact(r, FactKind.ANSWERED, "e12"))
                .extracting(KpiFact::queueId, KpiFact::repId, KpiFact::valueMs, KpiFact::flag)
                .containsExactly("support", "bob", 90_000L, false);
        assertThat(fact(r, FactKind.HANDLE, "e10")).extracting(KpiFact::queueId, KpiFact::repId, KpiFact::valueMs)
                .containsExactly("sales", "alice", 69_000L);
        assertThat(fact(r, FactKind.HANDLE, "e14")).extracting(KpiFact::queueId, KpiFact::repId, KpiFact::valueMs)
                .containsExactly("support", "bob", 30_000L);
        assertThat(fact(r, FactKind.HANDLE, "e16")).extracting(KpiFact::queueId, KpiFact::repId, KpiFact::valueMs)
                .containsExactly("vip", "carol", 80_000L);
        assertThat(fact(r, FactKind.ACW, "e17")).extracting(KpiFact::queueId, KpiFact::repId, KpiFact::valueMs)
                .containsExactly("vip", "carol", 30_000L);
        assertThat(fact(r, FactKind.INACTIVE, "e10")).extracting(KpiFact::detail, KpiFact::flag, KpiFact::repId)
                .containsExactly("REP", false, "alice");
        // while Inactive, the assignment the INACTIVE ended is the one facts are attributed to
        assertThat(fact(r, FactKind.REACTIVATED, "e11")).extracting(KpiFact::queueId, KpiFact::repId)
                .containsExactly("support", "alice");
        assertThat(fact(r, FactKind.ENDED, "e16")).extracting(KpiFact::detail, KpiFact::repId)
                .containsExactly("END_USER", "carol");
        assertThat(fact(r, FactKind.FIRST_RESPONSE, "e05").valueMs()).isEqualTo(39_000L);
        assertThat(r.facts()).filteredOn(f -> f.kind() == FactKind.REP_RESPONSE)
                .extracting(KpiFact::repId, KpiFact::valueMs)
                .containsExactly(tuple("alice", 9_000L), tuple("alice", 10_000L), tuple("carol", 10_000L));
    }

    @Test
    void reactivatedSessionSignalsTwoQueueWaits() {
        SessionTimeline.Result r = compute(s.fullJourney());

        assertThat(r.signals()).extracting(QueueSignal::kind, QueueSignal::queueId, QueueSignal::atMs,
                        QueueSignal::waitMs, QueueSignal::abandoned, QueueSignal::eventId)
                .containsExactly(
                        tuple(QueueSignal.Kind.ENTERED, "sales", T0 + 1_000, 0L, false, "e02"),
                        tuple(QueueSignal.Kind.QUEUE_WAIT, "sales", T0 + 31_000, 30_000L, false, "e04"),
                        tuple(QueueSignal.Kind.SEGMENT_CLOSED, "sales", T0 + 31_000, 30_000L, false, "e04"),
                        tuple(QueueSignal.Kind.ENTERED, "support", T0 + 200_000, 0L, false, "e11"),
                        tuple(QueueSignal.Kind.QUEUE_WAIT, "support", T0 + 290_000, 90_000L, false, "e12"),
                        tuple(QueueSignal.Kind.SEGMENT_CLOSED, "support", T0 + 290_000, 90_000L, false, "e12"));
    }

    @Test
    void requeueWhileWaitingKeepsTheStartAndMovesTheSegment() {
        SessionTimeline.Result r = compute(List.of(
                s.started("a", 0), s.queued("b", 1_000, "sales"), s.queued("c", 11_000, "support"),
                s.joined("d", 21_000, "bob")));

        assertThat(r.row().waitMs()).isEqualTo(20_000);
        assertThat(r.row().queueId()).isEqualTo("support");
        assertThat(r.signals()).extracting(QueueSignal::kind, QueueSignal::queueId, QueueSignal::queuedAtMs,
                        QueueSignal::waitMs)
                .containsExactly(
                        tuple(QueueSignal.Kind.ENTERED, "sales", T0 + 1_000, 0L),
                        tuple(QueueSignal.Kind.ENTERED, "support", T0 + 11_000, 0L),
                        tuple(QueueSignal.Kind.QUEUE_WAIT, "support", T0 + 1_000, 20_000L),
                        tuple(QueueSignal.Kind.SEGMENT_CLOSED, "sales", T0 + 1_000, 20_000L),
                        tuple(QueueSignal.Kind.SEGMENT_CLOSED, "support", T0 + 11_000, 10_000L));
    }

    @Test
    void abandonedSessionGivesNoQueueWait() {
        SessionTimeline.Result r = compute(List.of(
                s.started("a", 0), s.queued("b", 1_000, "sales"), s.queued("c", 5_000, "support"),
                s.ended("d", 81_000, Actor.END_USER), s.acw("e", 90_000, "bob")));

        assertThat(r.row()).extracting(SessionRow::abandoned, SessionRow::status, SessionRow::waitMs,
                        SessionRow::queueWaits, SessionRow::acwMs, SessionRow::repId, SessionRow::handleMs)
                .containsExactly(true, Status.ENDED, 0L, 0, null, null, 0L);
        assertThat(r.signals()).noneMatch(sig -> sig.kind() == QueueSignal.Kind.QUEUE_WAIT);
        assertThat(r.signals()).filteredOn(sig -> sig.kind() == QueueSignal.Kind.SEGMENT_CLOSED)
                .extracting(QueueSignal::queueId, QueueSignal::waitMs, QueueSignal::abandoned)
                .containsExactly(tuple("sales", 80_000L, true), tuple("support", 76_000L, true));
        assertThat(fact(r, FactKind.ABANDONED, "d")).extracting(KpiFact::queueId, KpiFact::valueMs, KpiFact::flag)
                .containsExactly("support", 80_000L, false);
        assertThat(r.facts()).noneMatch(f -> f.kind() == FactKind.ANSWERED || f.kind() == FactKind.ACW);
    }

    @Test
    void notRoutedSessionGivesNoSignalsAndOtherWhenNoReason() {
        List<SessionEvent> events = List.of(
                s.started("a", 0), s.notRouted("b", 100, null, true), s.ended("c", 200, Actor.SYSTEM));

        SessionTimeline.Result beforeEnd = compute(events.subList(0, 2));
        assertThat(beforeEnd.row().status()).isEqualTo(Status.NOT_ROUTED);

        SessionTimeline.Result r = compute(events);
        assertThat(r.signals()).isEmpty();
        assertThat(r.row()).extracting(SessionRow::notRoutedReason, SessionRow::caseCreated, SessionRow::status,
                        SessionRow::abandoned, SessionRow::queueId, SessionRow::endedBy)
                .containsExactly("OTHER", true, Status.ENDED, false, null, "SYSTEM");
        assertThat(fact(r, FactKind.NOT_ROUTED, "b")).extracting(KpiFact::detail, KpiFact::flag)
                .containsExactly("OTHER", true);
        fact(r, FactKind.CASE_CREATED, "b");

        SessionTimeline.Result named = compute(List.of(
                s.started("a", 0), s.notRouted("b", 100, NotRoutedReason.OUTSIDE_BUSINESS_HOURS, null)));
        assertThat(named.row()).extracting(SessionRow::notRoutedReason, SessionRow::caseCreated)
                .containsExactly("OUTSIDE_BUSINESS_HOURS", false);
        assertThat(named.facts()).noneMatch(f -> f.kind() == FactKind.CASE_CREATED);
    }

    @Test
    void statusFollowsTheLifecycle() {
        List<SessionEvent> events = List.of(s.started("a", 0), s.queued("b", 1_000, "q"), s.joined("c", 2_000, "r"),
                s.inactive("d", 3_000, Actor.AUTO), s.ended("e", 4_000, Actor.SYSTEM));
        List<Status> seen = new ArrayList<>();
        for (int n = 1; n <= events.size(); n++) {
            seen.add(compute(events.subList(0, n)).row().status());
        }
        assertThat(seen).containsExactly(Status.STARTED, Status.WAITING, Status.ACTIVE, Status.INACTIVE, Status.ENDED);
    }

    @Test
    void systemEndWhileInactiveCountsAsEndedAfterInactivity() {
        SessionTimeline.Result r = compute(List.of(s.started("a", 0), s.queued("b", 1_000, "q"),
                s.joined("c", 2_000, "r"), s.inactive("d", 3_000, Actor.AUTO), s.ended("e", 90_000_000, Actor.SYSTEM),
                s.acw("f", 90_010_000, "r")));

        assertThat(r.row()).extracting(SessionRow::inactiveCount, SessionRow::autoInactiveCount,
                        SessionRow::endedAfterInactivity, SessionRow::reactivated, SessionRow::handleMs, SessionRow::acwMs)
                .containsExactly(1, 1, true, false, 1_000L, 10_000L);
        assertThat(fact(r, FactKind.INACTIVE, "d")).extracting(KpiFact::detail, KpiFact::flag).containsExactly("AUTO", true);
        assertThat(fact(r, FactKind.ENDED_AFTER_INACTIVITY, "e").repId()).isEqualTo("r");

        SessionRow byUser = compute(List.of(s.started("a", 0), s.queued("b", 1_000, "q"), s.joined("c", 2_000, "r"),
                s.inactive("d", 3_000, Actor.REP), s.ended("e", 4_000, Actor.END_USER))).row();
        assertThat(byUser.endedAfterInactivity()).isFalse();
        assertThat(byUser.autoInactiveCount()).isZero();
    }

    @Test
    void repMessageBeforeAnyEndUserMessageIsNoReplyButIsTheFirstResponse() {
        SessionRow row = compute(List.of(s.started("a", 0), s.queued("b", 1_000, "q"), s.joined("c", 2_000, "r"),
                s.message("d", 3_000, Sender.REP), s.message("e", 4_000, Sender.REP))).row();

        assertThat(row).extracting(SessionRow::firstResponseMs, SessionRow::repReplies, SessionRow::repAvgResponseMs,
                        SessionRow::repMaxResponseMs, SessionRow::repMessages)
                .containsExactly(2_000L, 0, null, null, 2);
    }

    @Test
    void autoMessagesAreIgnored() {
        SessionRow row = compute(List.of(s.started("a", 0), s.queued("b", 1_000, "q"),
                s.message("c", 1_500, Sender.AUTO), s.joined("d", 2_000, "r"), s.message("e", 3_000, Sender.END_USER),
                s.message("f", 3_500, Sender.AUTO), s.message("g", 7_000, Sender.REP))).row();

        assertThat(row).extracting(SessionRow::endUserMessages, SessionRow::repMessages, SessionRow::repReplies,
                        SessionRow::repMaxResponseMs, SessionRow::firstResponseMs)
                .containsExactly(1, 1, 1, 4_000L, 6_000L);
    }

    @Test
    void replyIsMeasuredFromTheMostRecentJoinWhenLaterThanTheFirstUnansweredMessage() {
        SessionRow row = compute(List.of(s.started("a", 0), s.queued("b", 1_000, "q"),
                s.message("c", 2_000, Sender.END_USER), s.joined("d", 10_000, "r1"),
                s.message("e", 12_000, Sender.REP), // 2 s from the join, not 10 s from the user message
                s.message("f", 20_000, Sender.END_USER), s.message("g", 21_000, Sender.END_USER),
                s.joined("h", 30_000, "r2"), s.message("i", 33_000, Sender.REP), // 3 s from r2's join
                s.message("j", 40_000, Sender.END_USER), s.message("k", 45_000, Sender.REP))).row(); // 5 s

        assertThat(row).extracting(SessionRow::repReplies, SessionRow::repResponseSumMs, SessionRow::repMaxResponseMs,
                        SessionRow::repAvgResponseMs, SessionRow::handleMs, SessionRow::repId)
                .containsExactly(3, 10_000L, 5_000L, 10_000 / 3.0, 20_000L, "r2");
    }

    @Test
    void repMessageBeforeAnyRepJoinedIsNoReplyAndClosesTheExchange() {
        SessionRow row = compute(List.of(s.started("a", 0), s.queued("b", 1_000, "q"),
                s.message("c", 2_000, Sender.END_USER), s.message("d", 3_000, Sender.REP),
                s.joined("e", 4_000, "r"), s.message("f", 6_000, Sender.REP))).row();

        assertThat(row).extracting(SessionRow::repReplies, SessionRow::firstResponseMs).containsExactly(0, 2_000L);
    }

    @Test
    void firstResponseIsNullWithoutQueuedOrRepMessage() {
        assertThat(compute(List.of(s.started("a", 0), s.joined("b", 1_000, "r"), s.message("c", 2_000, Sender.REP)))
                .row().firstResponseMs()).isNull();
        assertThat(compute(List.of(s.started("a", 0), s.queued("b", 1_000, "q"), s.joined("c", 2_000, "r")))
                .row().firstResponseMs()).isNull();
    }

    @Test
    void transferEndsTheFirstAssignmentsHandleTime() {
        SessionTimeline.Result r = compute(List.of(s.started("a", 0), s.queued("b", 0, "q"),
                s.joined("c", 5_000, "r1"), s.joined("d", 65_000, "r2", "q2"), s.ended("e", 95_000, Actor.REP)));

        assertThat(r.row()).extracting(SessionRow::handleMs, SessionRow::waitMs, SessionRow::queueWaits,
                        SessionRow::repId, SessionRow::queueId)
                .containsExactly(90_000L, 5_000L, 1, "r2", "q2");
        assertThat(r.facts()).filteredOn(f -> f.kind() == FactKind.HANDLE)
                .extracting(KpiFact::repId, KpiFact::queueId, KpiFact::valueMs, KpiFact::atMs)
                .containsExactly(tuple("r1", "q", 60_000L, T0 + 65_000), tuple("r2", "q2", 30_000L, T0 + 95_000));
        assertThat(r.signals()).filteredOn(sig -> sig.kind() == QueueSignal.Kind.QUEUE_WAIT).hasSize(1);
    }

    @Test
    void queuedWhileActiveOpensAWaitAndTheAssignmentRunsUntilTheNextJoin() {
        SessionTimeline.Result r = compute(List.of(s.started("a", 0), s.queued("b", 0, "q"),
                s.joined("c", 1_000, "r1"), s.queued("d", 11_000, "q2"), s.joined("e", 41_000, "r2"),
                s.ended("f", 50_000, Actor.END_USER)));

        assertThat(r.row()).extracting(SessionRow::waitMs, SessionRow::queueWaits, SessionRow::handleMs,
                        SessionRow::reactivated, SessionRow::queueId)
                .containsExactly(1_000L + 30_000L, 2, 40_000L + 9_000L, false, "q2");
        assertThat(fact(r, FactKind.HANDLE, "e")).extracting(KpiFact::repId, KpiFact::valueMs)
                .containsExactly("r1", 40_000L);
        assertThat(fact(r, FactKind.ANSWERED, "e")).extracting(KpiFact::queueId, KpiFact::repId, KpiFact::valueMs)
                .containsExactly("q2", "r2", 30_000L);
    }

    @Test
    void acwOnlyForSessionsARepJoined() {
        assertThat(compute(List.of(s.started("a", 0), s.queued("b", 0, "q"), s.joined("c", 1_000, "r"),
                s.ended("d", 2_000, Actor.REP), s.acw("e", 9_000, "r"))).row().acwMs()).isEqualTo(7_000L);
        assertThat(compute(List.of(s.started("a", 0), s.notRouted("b", 0, NotRoutedReason.QUEUE_FULL, false),
                s.ended("d", 2_000, Actor.SYSTEM), s.acw("e", 9_000, "r"))).row().acwMs()).isNull();
    }

    @Test
    void startedAtIsTheEarliestEventWithoutSessionStarted() {
        SessionRow row = compute(List.of(s.queued("b", 5_000, "q"), s.message("a", 3_000, Sender.END_USER))).row();
        assertThat(row.startedAtMs()).isEqualTo(T0 + 3_000);
        assertThat(row.channel()).isNull();
    }

    @Test
    void equalTimesFollowTheLifecycleOrder() {
        // a MESSAGE and the REP_JOINED of the same millisecond: the join comes first whatever the ids say
        SessionRow row = compute(List.of(s.started("z", 0), s.queued("y", 0, "q"),
                s.message("a", 1_000, Sender.END_USER), s.message("b", 5_000, Sender.REP), s.joined("c", 5_000, "r")))
                .row();
        assertThat(row).extracting(SessionRow::repReplies, SessionRow::repMaxResponseMs, SessionRow::waitMs)
                .containsExactly(1, 0L, 5_000L);
    }

    @Test
    void duplicatesCountOnce() {
        List<SessionEvent> events = new ArrayList<>(s.fullJourney());
        events.addAll(s.fullJourney().subList(3, 9));
        assertThat(compute(events)).isEqualTo(compute(s.fullJourney()));
    }

    @Test
    void anyArrivalOrderGivesTheSameResult() {
        Random rnd = new Random(42);
        for (int i = 0; i < 300; i++) {
            SessionEventFixtures fx = new SessionEventFixtures("s1");
            List<SessionEvent> events = fx.random(rnd);
            SessionTimeline.Result expected = compute(events.stream().sorted(SessionTimeline.CANONICAL_ORDER).toList());
            List<SessionEvent> shuffled = new ArrayList<>(events);
            Collections.shuffle(shuffled, rnd);
            shuffled.addAll(Stream.of(events.get(rnd.nextInt(events.size()))).toList());
            assertThat(compute(shuffled)).as("seed 42, session %d: %s", i, shuffled).isEqualTo(expected);
            assertThat(expected.row().version()).isEqualTo(events.size());
        }
    }

    @Test
    void fullJourneyHasOneSessionFactPerKindQueueAndRepAtTheEarliest() {
        SessionTimeline.Result r = compute(s.fullJourney());

        assertThat(sessionFacts(r)).containsExactly(
                tuple("s1/SESSION_ANSWERED/e04", T0 + 31_000, "sales", "alice", "session,queue,rep"),
                tuple("s1/SESSION_ANSWERED/e12", T0 + 290_000, "support", "bob", "queue,rep"),
                tuple("s1/SESSION_JOINED/e04", T0 + 31_000, "sales", "alice", "session,queue,rep"),
                tuple("s1/SESSION_JOINED/e12", T0 + 290_000, "support", "bob", "queue,rep"),
                tuple("s1/SESSION_JOINED/e14", T0 + 320_000, "vip", "carol", "queue,rep"),
                tuple("s1/SESSION_INACTIVE/e10", T0 + 100_000, "sales", "alice", "session,queue,rep"),
                tuple("s1/SESSION_REACTIVATED/e11", T0 + 200_000, "support", "alice", "session,queue,rep"));
        assertThat(r.facts()).filteredOn(f -> f.kind().name().startsWith("SESSION_")).allSatisfy(f -> {
            assertThat(f.valueMs()).isNull();
            assertThat(f.flag()).isFalse();
            assertThat(f.deleted()).isFalse();
            assertThat(f.version()).isEqualTo(17);
            assertThat(f.sessionId()).isEqualTo("s1");
        });
    }

    @Test
    void anotherRepInTheSameQueueIsRepOnlyAndARepeatedQueueAndRepCountsOnce() {
        SessionTimeline.Result r = compute(List.of(
                s.started("a", 0), s.queued("b", 1_000, "sales"), s.joined("c", 10_000, "alice"),
                s.joined("d", 20_000, "bob"), s.joined("e", 30_000, "alice"), s.joined("f", 40_000, "carol", "vip")));

        assertThat(sessionFacts(r)).containsExactly(
                tuple("s1/SESSION_ANSWERED/c", T0 + 10_000, "sales", "alice", "session,queue,rep"),
                tuple("s1/SESSION_JOINED/c", T0 + 10_000, "sales", "alice", "session,queue,rep"),
                tuple("s1/SESSION_JOINED/d", T0 + 20_000, "sales", "bob", "rep"),
                tuple("s1/SESSION_JOINED/f", T0 + 40_000, "vip", "carol", "queue,rep"));
    }

    @Test
    void equalTimesGoToTheSmallerFactId() {
        // two joins in one millisecond: the canonical order applies x1 before x2, and x1's factId is the smaller
        SessionTimeline.Result r = compute(List.of(
                s.started("a", 0), s.queued("b", 1_000, "sales"), s.joined("x2", 5_000, "bob"),
                s.joined("x1", 5_000, "alice")));

        assertThat(sessionFacts(r)).filteredOn(t -> t.toList().get(0).toString().contains("SESSION_JOINED"))
                .containsExactly(
                        tuple("s1/SESSION_JOINED/x1", T0 + 5_000, "sales", "alice", "session,queue,rep"),
                        tuple("s1/SESSION_JOINED/x2", T0 + 5_000, "sales", "bob", "rep"));
    }

    @Test
    void anEarlierEventMovesTheSessionFactToItsFact() {
        List<SessionEvent> events = new ArrayList<>(List.of(
                s.started("a", 0), s.queued("b", 1_000, "sales"), s.joined("d", 20_000, "bob")));
        assertThat(sessionFacts(compute(events))).contains(
                tuple("s1/SESSION_JOINED/d", T0 + 20_000, "sales", "bob", "session,queue,rep"));

        events.add(s.joined("c", 10_000, "alice"));
        assertThat(sessionFacts(compute(events))).containsExactly(
                tuple("s1/SESSION_ANSWERED/c", T0 + 10_000, "sales", "alice", "session,queue,rep"),
                tuple("s1/SESSION_JOINED/c", T0 + 10_000, "sales", "alice", "session,queue,rep"),
                tuple("s1/SESSION_JOINED/d", T0 + 20_000, "sales", "bob", "rep"));
    }

    /**
     * Over random sessions, the SESSION_* facts are what the definition gives when applied the slow way: for each
     * K fact, is it the first (atMs, factId) of its (queue, rep), of its queue, of the session?
     */
    @Test
    void sessionFactsOfRandomSessionsFollowTheDefinition() {
        Random rnd = new Random(20261201L);
        int sessionFacts = 0;
        for (int i = 0; i < 300; i++) {
            SessionTimeline.Result r = compute(s.random(rnd));
            List<Object> expected = new ArrayList<>();
            for (FactKind k : List.of(FactKind.ANSWERED, FactKind.JOINED, FactKind.INACTIVE, FactKind.REACTIVATED)) {
                List<KpiFact> ofKind = r.facts().stream().filter(f -> f.kind() == k)
                        .sorted(java.util.Comparator.comparingLong(KpiFact::atMs).thenComparing(KpiFact::factId))
                        .toList();
                for (KpiFact f : ofKind) {
                    boolean firstOfRow = ofKind.stream().filter(o -> o.queueId().equals(f.queueId())
                            && o.repId().equals(f.repId())).findFirst().get() == f;
                    if (!firstOfRow) {
                        continue;
                    }
                    List<String> levels = new ArrayList<>();
                    if (ofKind.get(0) == f) {
                        levels.add("session");
                    }
                    if (ofKind.stream().filter(o -> o.queueId().equals(f.queueId())).findFirst().get() == f) {
                        levels.add("queue");
                    }
                    levels.add("rep");
                    String eventId = f.factId().substring(("s1/" + k + "/").length());
                    expected.add(List.of("s1/SESSION_" + k + "/" + eventId, f.atMs(), f.queueId(), f.repId(),
                            String.join(",", levels)));
                }
            }
            List<Object> actual = new ArrayList<>();
            sessionFacts(r).forEach(t -> actual.add(t.toList()));
            assertThat(actual).as("session %d", i).containsExactlyInAnyOrderElementsOf(expected);
            sessionFacts += actual.size();
        }
        assertThat(sessionFacts).as("the random sessions must produce session facts").isGreaterThan(300);
    }

    private static List<org.assertj.core.groups.Tuple> sessionFacts(SessionTimeline.Result r) {
        return r.facts().stream().filter(f -> f.kind().name().startsWith("SESSION_"))
                .map(f -> tuple(f.factId(), f.atMs(), f.queueId(), f.repId(), f.detail())).toList();
    }
}
