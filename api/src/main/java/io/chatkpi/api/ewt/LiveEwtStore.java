package io.chatkpi.api.ewt;

import io.chatkpi.ingest.ewt.EwtCalculator;
import io.chatkpi.ingest.ewt.EwtFigures;
import io.chatkpi.ingest.ewt.EwtSnapshot;
import io.chatkpi.ingest.ewt.WaitSample;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest EWT snapshot per queue, kept in memory from the {@code queue-ewt} topic. Reading recomputes the figures
 * with the shared {@link EwtCalculator} over the snapshot's samples at the clock's now, so samples age out of the
 * horizon by the wall clock even when the jobs emit nothing (a quiet queue's EWT goes null).
 *
 * <p>The figures only change when the snapshot is replaced or the clock crosses one of its samples' times or their
 * ends of horizon, so each queue keeps its last evaluation with the span of clock times it holds for: a read inside
 * that span returns the very same {@link LiveEwt} (callers may cache what they derive from it by identity), and the
 * EWT endpoint's reads, thousands a second, do not recompute it.
 */
public final class LiveEwtStore {

    private final Clock clock;
    private final EwtCalculator calculator;
    private final ConcurrentHashMap<String, Held> latest = new ConcurrentHashMap<>();

    /** A queue's snapshot and its last evaluation (a read may replace it; any of the racing ones is right). */
    private static final class Held {
        final EwtSnapshot snapshot;
        volatile Evaluation last;

        Held(EwtSnapshot snapshot) {
            this.snapshot = snapshot;
        }
    }

    /** The EWT evaluated at {@code fromMs}; the same at every clock time up to {@code untilMs} (exclusive). */
    private record Evaluation(LiveEwt ewt, long fromMs, long untilMs) {
        boolean holdsAt(long t) {
            return fromMs <= t && t < untilMs;
        }
    }

    public LiveEwtStore(Clock clock, EwtCalculator calculator) {
        this.clock = clock;
        this.calculator = calculator;
    }

    /** Keeps the snapshot unless one with a later asOf is already held (a redelivery must not go back in time). */
    public void accept(EwtSnapshot snapshot) {
        latest.merge(snapshot.queueId(), new Held(snapshot),
                (old, nu) -> nu.snapshot.asOfMs() >= old.snapshot.asOfMs() ? nu : old);
    }

    /** A tombstone on the compacted topic: the queue is gone. */
    public void remove(String queueId) {
        latest.remove(queueId);
    }

    /** The latest asOf of any snapshot held (epoch ms), or null when none: how fresh the jobs' output is. */
    public Long newestAsOfMs() {
        return latest.values().stream().map(h -> h.snapshot.asOfMs()).max(Long::compare).orElse(null);
    }

    public int queueCount() {
        return latest.size();
    }

    public LiveEwt get(String queueId) {
        Held h = latest.get(queueId);
        return h == null ? new LiveEwt(queueId, EwtFigures.UNKNOWN, null) : current(h);
    }

    /** Every known queue, by queueId. */
    public List<LiveEwt> all() {
        List<LiveEwt> out = new ArrayList<>();
        for (Held h : latest.values()) out.add(current(h));
        out.sort(Comparator.comparing(LiveEwt::queueId));
        return out;
    }

    private LiveEwt current(Held h) {
        // Never evaluate before the snapshot's own asOf: a clock slightly behind the jobs' event time must not
        // drop samples that are "in the future" for it.
        long t = Math.max(clock.millis(), h.snapshot.asOfMs());
        Evaluation last = h.last;
        if (last != null && last.holdsAt(t)) return last.ewt();
        Evaluation now = new Evaluation(evaluate(h.snapshot, t), t, nextChange(h.snapshot, t));
        h.last = now;
        return now.ewt();
    }

    /**
     * The first clock time after {@code t} at which the evaluation can differ: a sample's time (it comes into force)
     * or the end of its horizon (it leaves it, and the asOf moves to that instant); nothing else enters it.
     */
    private long nextChange(EwtSnapshot s, long t) {
        long next = Long.MAX_VALUE;
        for (WaitSample w : s.samples()) {
            if (w.atMs() > t) next = Math.min(next, w.atMs());
            long leaves = w.atMs() + calculator.windowMs();
            if (leaves > t) next = Math.min(next, leaves);
        }
        return next;
    }

    private LiveEwt evaluate(EwtSnapshot s, long t) {
        List<WaitSample> oldestFirst = new ArrayList<>(s.samples());
        Collections.reverse(oldestFirst);
        oldestFirst.sort(Comparator.comparingLong(WaitSample::atMs));
        List<WaitSample> inForce = calculator.inForce(oldestFirst, t);
        EwtFigures f = calculator.figures(inForce);
        Long asOf = s.asOfMs();
        long horizonStart = t - calculator.windowMs();
        for (WaitSample w : s.samples()) {
            if (w.atMs() <= horizonStart) asOf = Math.max(asOf, w.atMs() + calculator.windowMs());
        }
        return new LiveEwt(s.queueId(), f, asOf);
    }
}
