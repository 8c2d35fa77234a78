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
 */
public final class LiveEwtStore {

    private final Clock clock;
    private final EwtCalculator calculator;
    private final ConcurrentHashMap<String, EwtSnapshot> latest = new ConcurrentHashMap<>();

    public LiveEwtStore(Clock clock, EwtCalculator calculator) {
        this.clock = clock;
        this.calculator = calculator;
    }

    /** Keeps the snapshot unless one with a later asOf is already held (a redelivery must not go back in time). */
    public void accept(EwtSnapshot snapshot) {
        latest.merge(snapshot.queueId(), snapshot, (old, nu) -> nu.asOfMs() >= old.asOfMs() ? nu : old);
    }

    /** A tombstone on the compacted topic: the queue is gone. */
    public void remove(String queueId) {
        latest.remove(queueId);
    }

    /** The latest asOf of any snapshot held (epoch ms), or null when none: how fresh the jobs' output is. */
    public Long newestAsOfMs() {
        return latest.values().stream().map(EwtSnapshot::asOfMs).max(Long::compare).orElse(null);
    }

    public int queueCount() {
        return latest.size();
    }

    public LiveEwt get(String queueId) {
        EwtSnapshot s = latest.get(queueId);
        return s == null ? new LiveEwt(queueId, EwtFigures.UNKNOWN, null) : evaluate(s);
    }

    /** Every known queue, by queueId. */
    public List<LiveEwt> all() {
        List<LiveEwt> out = new ArrayList<>();
        for (EwtSnapshot s : latest.values()) out.add(evaluate(s));
        out.sort(Comparator.comparing(LiveEwt::queueId));
        return out;
    }

    private LiveEwt evaluate(EwtSnapshot s) {
        // Never evaluate before the snapshot's own asOf: a clock slightly behind the jobs' event time must not
        // drop samples that are "in the future" for it.
        long t = Math.max(clock.millis(), s.asOfMs());
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
