package io.chatkpi.api.ewt;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatkpi.api.MutableClock;
import io.chatkpi.ingest.ewt.EwtCalculator;
import io.chatkpi.ingest.ewt.EwtSnapshot;
import io.chatkpi.ingest.ewt.WaitSample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The store keeps each queue's last evaluation for as long as it holds: what it serves must be, at every clock time,
 * what a fresh evaluation of the same snapshot gives (a store that never evaluated before), and the same object only
 * while nothing changed.
 */
class LiveEwtStoreTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final long WINDOW = EwtCalculator.DEFAULT_WINDOW_MS;

    private final EwtCalculator calc = EwtCalculator.defaults();

    /** The uncached evaluation: a store that has never seen the snapshot before. */
    private LiveEwt fresh(EwtSnapshot snapshot, long t) {
        LiveEwtStore store = new LiveEwtStore(new MutableClock(Instant.ofEpochMilli(t)), calc);
        store.accept(snapshot);
        return store.get(snapshot.queueId());
    }

    /** Samples newest first, as the jobs put them on the topic, some of them after the snapshot's asOf. */
    private static EwtSnapshot randomSnapshot(Random random, String queue) {
        long asOf = T0.toEpochMilli() + random.nextInt(60_000);
        int n = 1 + random.nextInt(14);
        List<WaitSample> oldestFirst = new ArrayList<>();
        long at = asOf - WINDOW + random.nextInt(120_000);
        for (int i = 0; i < n; i++) {
            oldestFirst.add(new WaitSample(at, 1_000 + random.nextInt(120_000)));
            at += random.nextInt(3) == 0 ? 0 : random.nextInt(90_000); // ties too
        }
        List<WaitSample> newestFirst = new ArrayList<>(oldestFirst);
        java.util.Collections.reverse(newestFirst);
        return new EwtSnapshot(queue, asOf, EwtCalculator.defaults().at(oldestFirst, asOf), newestFirst);
    }

    @Test
    void servesAtEveryClockTimeWhatAFreshEvaluationGives() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            EwtSnapshot snapshot = randomSnapshot(random, "q");
            // every instant where something can change, one ms either side, and times in between
            TreeSet<Long> times = new TreeSet<>();
            for (WaitSample w : snapshot.samples()) {
                for (long edge : new long[] {w.atMs(), w.atMs() + WINDOW}) {
                    times.add(edge - 1);
                    times.add(edge);
                    times.add(edge + 1);
                }
            }
            for (int i = 0; i < 20; i++) times.add(snapshot.asOfMs() - 5_000 + random.nextInt((int) WINDOW * 2));

            MutableClock clock = new MutableClock(Instant.ofEpochMilli(times.first()));
            LiveEwtStore store = new LiveEwtStore(clock, calc);
            store.accept(snapshot);
            for (long t : times) {
                clock.set(Instant.ofEpochMilli(t));
                assertThat(store.get("q")).as("round %d at %d", round, t).isEqualTo(fresh(snapshot, t));
            }
            // and a clock that steps back
            for (long t : times.descendingSet()) {
                clock.set(Instant.ofEpochMilli(t));
                assertThat(store.get("q")).as("round %d back at %d", round, t).isEqualTo(fresh(snapshot, t));
            }
        }
    }

    @Test
    void theSameEwtWhileItHoldsANewOneWhenASampleAgesOutOrASnapshotArrives() {
        MutableClock clock = new MutableClock(T0);
        LiveEwtStore store = new LiveEwtStore(clock, calc);
        WaitSample older = new WaitSample(T0.minusSeconds(300).toEpochMilli(), 20_000);
        WaitSample newer = new WaitSample(T0.minusSeconds(60).toEpochMilli(), 50_000);
        store.accept(new EwtSnapshot("q", newer.atMs(), calc.figures(List.of(newer, older)), List.of(newer, older)));

        LiveEwt first = store.get("q");
        clock.set(Instant.ofEpochMilli(older.atMs() + WINDOW - 1));
        assertThat(store.get("q")).isSameAs(first);
        assertThat(store.all()).containsExactly(first);

        clock.set(Instant.ofEpochMilli(older.atMs() + WINDOW));
        LiveEwt aged = store.get("q");
        assertThat(aged).isNotSameAs(first);
        assertThat(aged.figures().sampleSize()).isEqualTo(1);
        assertThat(store.get("q")).isSameAs(aged);

        WaitSample latest = new WaitSample(clock.millis(), 9_000);
        store.accept(new EwtSnapshot("q", latest.atMs(), calc.figures(List.of(latest, newer)), List.of(latest, newer)));
        LiveEwt replaced = store.get("q");
        assertThat(replaced).isNotSameAs(aged);
        assertThat(replaced.figures().sampleSize()).isEqualTo(2);
        assertThat(replaced.asOfMs()).isEqualTo(latest.atMs());
    }
}
