package io.chatkpi.ingest.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatkpi.ingest.event.Actor;
import io.chatkpi.ingest.event.Decoded;
import io.chatkpi.ingest.event.EventCodec;
import io.chatkpi.ingest.event.EventType;
import io.chatkpi.ingest.event.NotRoutedReason;
import io.chatkpi.ingest.event.SessionEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrafficSimulatorTest {

    /** A weekday morning: every default queue is open. */
    private static final SimulatorConfig BASE = SimulatorConfig.defaults()
            .withStart(Instant.parse("2026-11-25T09:00:00Z"))
            .withDuration(Duration.ofHours(2))
            .withSeed(42);

    private static List<String> lines(SimulatorConfig config) throws InterruptedException {
        List<String> out = new ArrayList<>();
        new TrafficSimulator(config).run(new SimulationSink() {
            @Override
            public void event(SessionEvent e) {
                out.add(EventCodec.encode(e));
            }

            @Override
            public void invalidLine(String line) {
                out.add(line);
            }
        });
        return out;
    }

    private static List<SessionEvent> events(SimulatorConfig config) throws InterruptedException {
        List<SessionEvent> out = new ArrayList<>();
        new TrafficSimulator(config).run(out::add);
        return out;
    }

    @Test
    void sameSeedGivesIdenticalOutputAndDifferentSeedsDiffer() throws Exception {
        SimulatorConfig c = BASE.withDuplicateShare(0.01).withInvalidShare(0.01);
        List<String> first = lines(c);
        List<String> second = lines(c);
        List<String> other = lines(c.withSeed(43));
        assertThat(first).hasSizeGreaterThan(1000);
        assertThat(second).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        // the seed tags the ids, so two runs never produce colliding eventIds
        Set<String> ids = new HashSet<>();
        events(BASE).forEach(e -> ids.add(e.eventId()));
        assertThat(events(BASE.withSeed(43)).stream().filter(e -> ids.contains(e.eventId())).count()).isZero();
    }

    @Test
    void everyEventIsValidUniqueAndInTimestampOrder() throws Exception {
        List<SessionEvent> events = events(BASE);
        Set<String> ids = new HashSet<>();
        long last = Long.MIN_VALUE;
        List<String> problems = new ArrayList<>();
        for (SessionEvent e : events) {
            Decoded d = EventCodec.decode(EventCodec.encode(e));
            if (!d.isValid()) problems.add("invalid: " + d.rejected());
            else if (!d.event().equals(e)) problems.add("round trip changed " + e);
            if (!ids.add(e.eventId())) problems.add("duplicate eventId " + e.eventId());
            if (e.ts() < last) problems.add("out of order: " + e);
            last = e.ts();
        }
        assertThat(events).hasSizeGreaterThan(10_000);
        assertThat(problems).isEmpty();
        assertThat(events.get(0).ts()).isGreaterThanOrEqualTo(BASE.start().toEpochMilli());
        assertThat(last).isLessThan(BASE.start().plus(BASE.duration()).toEpochMilli());
    }

    @Test
    void queueWaitsGrowWhenRepsAreRemoved() throws Exception {
        SimulatorConfig busy = BASE.withRate(40);
        double staffed = meanWaitMillis(events(busy.withRepsPerQueue(30)));
        double shortStaffed = meanWaitMillis(events(busy.withRepsPerQueue(12)));
        assertThat(shortStaffed).as("mean wait with 12 reps vs 30 reps (%s ms)", staffed)
                .isGreaterThan(3 * staffed).isGreaterThan(60_000);
    }

    /** Mean of REP_JOINED minus the QUEUED before it, per routing, as the KPI jobs measure it. */
    private static double meanWaitMillis(List<SessionEvent> events) {
        Map<String, Long> queuedAt = new HashMap<>();
        long sum = 0;
        int n = 0;
        for (SessionEvent e : events) {
            if (e.type() == EventType.QUEUED) queuedAt.put(e.sessionId(), e.ts());
            if (e.type() == EventType.REP_JOINED) {
                Long q = queuedAt.remove(e.sessionId());
                assertThat(q).as("REP_JOINED without QUEUED: %s", e).isNotNull();
                sum += e.ts() - q;
                n++;
            }
        }
        assertThat(n).isGreaterThan(100);
        return (double) sum / n;
    }

    @Test
    void sessionsFollowTheLifecycle() throws Exception {
        SimulatorConfig c = BASE.withDuration(Duration.ofHours(36)).withRepsPerQueue(14);
        Map<String, List<SessionEvent>> bySession = new HashMap<>();
        for (SessionEvent e : events(c)) bySession.computeIfAbsent(e.sessionId(), k -> new ArrayList<>()).add(e);
        EnumSet<EventType> seen = EnumSet.noneOf(EventType.class);
        Set<Actor> inactiveBy = new HashSet<>();
        Set<Actor> endedBy = new HashSet<>();
        Set<NotRoutedReason> notRouted = new HashSet<>();
        int reactivated = 0;
        for (List<SessionEvent> s : bySession.values()) {
            assertThat(s.get(0).type()).isEqualTo(EventType.SESSION_STARTED);
            assertThat(s.get(0).channel()).isNotNull();
            assertThat(s.get(0).topic()).isNotNull();
            assertThat(s.stream().filter(e -> e.type() == EventType.SESSION_STARTED).count()).isEqualTo(1);
            assertThat(s.stream().filter(e -> e.type() == EventType.ENDED).count()).isLessThanOrEqualTo(1);
            boolean ended = false;
            boolean joined = false;
            boolean waiting = false;
            int queuedCount = 0;
            for (SessionEvent e : s) {
                seen.add(e.type());
                switch (e.type()) {
                    case QUEUED -> {
                        assertThat(ended).isFalse();
                        waiting = true;
                        queuedCount++;
                    }
                    case REP_JOINED -> {
                        assertThat(waiting).as("joined without waiting: %s", s).isTrue();
                        waiting = false;
                        joined = true;
                    }
                    case ENDED -> {
                        ended = true;
                        endedBy.add(e.by());
                        if (e.by() == Actor.END_USER && waiting) {
                            assertThat(e.repId()).isNull(); // abandoned in the queue
                        }
                    }
                    case ACW_COMPLETED -> {
                        assertThat(ended).as("ACW before ENDED: %s", s).isTrue();
                        assertThat(joined).isTrue();
                    }
                    case INACTIVE -> {
                        assertThat(joined).isTrue();
                        inactiveBy.add(e.by());
                    }
                    case NOT_ROUTED -> notRouted.add(e.reason());
                    case MESSAGE -> assertThat(ended).as("message after end: %s", s).isFalse();
                    default -> { }
                }
            }
            if (queuedCount > 1) reactivated++;
            // a session that ended by End Chat with a rep gets exactly one ACW, after the end
            SessionEvent last = s.get(s.size() - 1);
            SessionEvent endEvent = s.stream().filter(e -> e.type() == EventType.ENDED).findFirst().orElse(null);
            if (endEvent != null && endEvent.repId() != null) {
                assertThat(last.type()).isIn(EventType.ACW_COMPLETED, EventType.ENDED);
            }
        }
        assertThat(seen).containsAll(EnumSet.allOf(EventType.class));
        assertThat(inactiveBy).containsExactlyInAnyOrder(Actor.AUTO, Actor.REP);
        assertThat(endedBy).containsExactlyInAnyOrder(Actor.END_USER, Actor.REP, Actor.SYSTEM);
        assertThat(notRouted).contains(NotRoutedReason.OUTSIDE_BUSINESS_HOURS, NotRoutedReason.QUEUE_FULL);
        assertThat(reactivated).isGreaterThan(0);
    }

    @Test
    void systemEndsInactiveSessionsAfterADay() throws Exception {
        SimulatorConfig c = BASE.withDuration(Duration.ofHours(40));
        Map<String, Long> inactiveAt = new HashMap<>();
        int systemEnds = 0;
        for (SessionEvent e : events(c)) {
            if (e.type() == EventType.INACTIVE) inactiveAt.put(e.sessionId(), e.ts());
            // a reactivation (user reply, then routing again) starts the session's clock over
            if (e.type() != EventType.INACTIVE && e.type() != EventType.ENDED) inactiveAt.remove(e.sessionId());
            if (e.type() == EventType.ENDED && e.by() == Actor.SYSTEM && inactiveAt.containsKey(e.sessionId())) {
                long idle = e.ts() - inactiveAt.get(e.sessionId());
                assertThat(idle).isBetween(Duration.ofHours(24).toMillis(), Duration.ofHours(30).toMillis());
                systemEnds++;
            }
        }
        assertThat(systemEnds).isGreaterThan(0);
    }

    @Test
    void queueWithoutRepsRoutesNothing() throws Exception {
        SimulatorConfig c = BASE.withQueues(List.of(QueueConfig.defaults("tech", 0)));
        List<SessionEvent> events = events(c);
        assertThat(events).noneMatch(e -> e.type() == EventType.QUEUED || e.type() == EventType.REP_JOINED);
        assertThat(events).filteredOn(e -> e.type() == EventType.NOT_ROUTED)
                .isNotEmpty()
                .allMatch(e -> e.reason() == NotRoutedReason.NO_REPS_AVAILABLE);
    }

    @Test
    void closedQueueCreatesCases() throws Exception {
        // billing is closed on Saturdays
        SimulatorConfig c = BASE.withStart(Instant.parse("2026-11-28T10:00:00Z"))
                .withQueues(List.of(QueueConfig.defaults("billing", 5)));
        List<SessionEvent> notRouted = events(c).stream().filter(e -> e.type() == EventType.NOT_ROUTED).toList();
        assertThat(notRouted).isNotEmpty().allMatch(e ->
                e.reason() == NotRoutedReason.OUTSIDE_BUSINESS_HOURS && Boolean.TRUE.equals(e.caseCreated()));
    }

    @Test
    void injectsDuplicatesWithTheSameEventIdAndInvalidLinesThatAreRejected() throws Exception {
        List<SessionEvent> valid = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        TrafficSimulator sim = new TrafficSimulator(BASE.withDuplicateShare(0.02).withInvalidShare(0.02));
        sim.run(new SimulationSink() {
            @Override
            public void event(SessionEvent e) {
                valid.add(e);
            }

            @Override
            public void invalidLine(String line) {
                invalid.add(line);
            }
        });
        long distinct = valid.stream().map(SessionEvent::eventId).distinct().count();
        assertThat(valid.size() - distinct).isEqualTo(sim.duplicates()).isGreaterThan(0);
        assertThat(distinct).isEqualTo(sim.emitted());
        assertThat(invalid).hasSize((int) sim.invalidLines()).isNotEmpty();
        for (String line : invalid) {
            assertThat(EventCodec.decode(line).isValid()).as(line).isFalse();
        }
    }

    @Test
    void stopsAtMaxEvents() throws Exception {
        List<SessionEvent> events = events(BASE.withDuration(null).withMaxEvents(5_000));
        assertThat(events).hasSize(5_000);
    }
}
