package io.chatkpi.jobs.kpi;

import io.chatkpi.ingest.event.Actor;
import io.chatkpi.ingest.event.Channel;
import io.chatkpi.ingest.event.EventType;
import io.chatkpi.ingest.event.NotRoutedReason;
import io.chatkpi.ingest.event.Sender;
import io.chatkpi.ingest.event.SessionEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Event builders for the session KPI tests: one session per instance, times relative to a base. */
final class SessionEventFixtures {
    static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    private final String sessionId;

    SessionEventFixtures(String sessionId) {
        this.sessionId = sessionId;
    }

    SessionEvent started(String id, long at) {
        return SessionEvent.of(id, sessionId, EventType.SESSION_STARTED, T0 + at).withChannel(Channel.WEB).withTopic("billing");
    }

    SessionEvent queued(String id, long at, String queue) {
        return SessionEvent.of(id, sessionId, EventType.QUEUED, T0 + at).withQueueId(queue);
    }

    SessionEvent joined(String id, long at, String rep) {
        return SessionEvent.of(id, sessionId, EventType.REP_JOINED, T0 + at).withRepId(rep);
    }

    SessionEvent joined(String id, long at, String rep, String queue) {
        return joined(id, at, rep).withQueueId(queue);
    }

    SessionEvent message(String id, long at, Sender sender) {
        return SessionEvent.of(id, sessionId, EventType.MESSAGE, T0 + at).withSender(sender);
    }

    SessionEvent inactive(String id, long at, Actor by) {
        return SessionEvent.of(id, sessionId, EventType.INACTIVE, T0 + at).withBy(by);
    }

    SessionEvent ended(String id, long at, Actor by) {
        return SessionEvent.of(id, sessionId, EventType.ENDED, T0 + at).withBy(by);
    }

    SessionEvent acw(String id, long at, String rep) {
        return SessionEvent.of(id, sessionId, EventType.ACW_COMPLETED, T0 + at).withRepId(rep);
    }

    SessionEvent notRouted(String id, long at, NotRoutedReason reason, Boolean caseCreated) {
        return SessionEvent.of(id, sessionId, EventType.NOT_ROUTED, T0 + at).withReason(reason).withCaseCreated(caseCreated);
    }

    /**
     * A session that exercises every row field: waited in sales (30 s, answered by alice), replies, went Inactive
     * (REP), was re-queued to support (reactivated), waited 90 s for bob, was transferred to carol (queue vip),
     * ended by the user, ACW by carol. Expected figures are in the tests.
     */
    List<SessionEvent> fullJourney() {
        return List.of(
                started("e01", 0),
                queued("e02", 1_000, "sales"),
                message("e03", 5_000, Sender.END_USER),
                joined("e04", 31_000, "alice"),
                message("e05", 40_000, Sender.REP),
                message("e06", 50_000, Sender.END_USER),
                message("e07", 52_000, Sender.END_USER),
                message("e08", 53_000, Sender.AUTO),
                message("e09", 60_000, Sender.REP),
                inactive("e10", 100_000, Actor.REP),
                queued("e11", 200_000, "support"),
                joined("e12", 290_000, "bob"),
                message("e13", 300_000, Sender.END_USER),
                joined("e14", 320_000, "carol", "vip"),
                message("e15", 330_000, Sender.REP),
                ended("e16", 400_000, Actor.END_USER),
                acw("e17", 430_000, "carol"));
    }

    /**
     * A plausible random session: a walk over the lifecycle with small, sometimes equal, time steps, so ties and
     * every branch (requeue while waiting, transfer, inactivity, abandon, not routed) occur across seeds.
     */
    List<SessionEvent> random(Random rnd) {
        List<SessionEvent> out = new ArrayList<>();
        long t = rnd.nextInt(1_000);
        int n = 0;
        String[] queues = {"sales", "support", "vip"};
        String[] reps = {"alice", "bob", "carol", "dave"};
        out.add(started(sessionId + "-" + n++, t));
        if (rnd.nextInt(8) == 0) {
            t += step(rnd);
            NotRoutedReason[] reasons = NotRoutedReason.values();
            out.add(notRouted(sessionId + "-" + n++, t, rnd.nextBoolean() ? null : reasons[rnd.nextInt(reasons.length)],
                    rnd.nextBoolean() ? Boolean.TRUE : null));
            t += step(rnd);
            out.add(ended(sessionId + "-" + n++, t, Actor.SYSTEM));
            return out;
        }
        String state = "started";
        for (int i = 0; i < 25 && !state.equals("ended"); i++) {
            t += step(rnd);
            String id = sessionId + "-" + n++;
            int r = rnd.nextInt(10);
            switch (state) {
                case "started", "inactive" -> {
                    if (r < 7) {
                        out.add(queued(id, t, queues[rnd.nextInt(queues.length)]));
                        state = "waiting";
                    } else if (r < 8) {
                        out.add(message(id, t, Sender.END_USER));
                    } else {
                        out.add(ended(id, t, state.equals("inactive") ? Actor.SYSTEM : Actor.END_USER));
                        state = "ended";
                    }
                }
                case "waiting" -> {
                    if (r < 5) {
                        out.add(rnd.nextBoolean()
                                ? joined(id, t, reps[rnd.nextInt(reps.length)])
                                : joined(id, t, reps[rnd.nextInt(reps.length)], queues[rnd.nextInt(queues.length)]));
                        state = "active";
                    } else if (r < 6) {
                        out.add(queued(id, t, queues[rnd.nextInt(queues.length)]));
                    } else if (r < 8) {
                        out.add(message(id, t, rnd.nextBoolean() ? Sender.END_USER : Sender.AUTO));
                    } else {
                        out.add(ended(id, t, Actor.END_USER));
                        state = "ended";
                    }
                }
                case "active" -> {
                    if (r < 5) {
                        Sender[] senders = Sender.values();
                        out.add(message(id, t, senders[rnd.nextInt(senders.length)]));
                    } else if (r < 6) {
                        out.add(joined(id, t, reps[rnd.nextInt(reps.length)]));
                    } else if (r < 8) {
                        out.add(inactive(id, t, rnd.nextBoolean() ? Actor.REP : Actor.AUTO));
                        state = "inactive";
                    } else {
                        Actor[] enders = {Actor.END_USER, Actor.REP, Actor.SYSTEM};
                        out.add(ended(id, t, enders[rnd.nextInt(enders.length)]));
                        state = "ended";
                    }
                }
                default -> throw new IllegalStateException(state);
            }
        }
        if (state.equals("ended") && rnd.nextBoolean()) {
            t += step(rnd);
            out.add(acw(sessionId + "-" + n, t, reps[rnd.nextInt(reps.length)]));
        }
        return out;
    }

    private static long step(Random rnd) {
        return rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(3_000); // a quarter of the steps tie
    }
}
