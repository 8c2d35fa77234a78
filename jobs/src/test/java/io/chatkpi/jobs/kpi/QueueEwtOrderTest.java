package io.chatkpi.jobs.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatkpi.ingest.ewt.EwtCalculator;
import io.chatkpi.ingest.ewt.EwtFigures;
import io.chatkpi.ingest.ewt.EwtSnapshot;
import io.chatkpi.ingest.ewt.WaitSample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The operator's output does not depend on arrival order within the watermark bound nor on watermark cadence, and
 * equals a plain recomputation from scratch at every instant.
 */
class QueueEwtOrderTest {

    static final long T0 = QueueEwtFunctionTest.T0;
    static final long BOUND_MS = 5_000;
    static final List<String> QUEUES = List.of("billing", "sales", "support");

    record Output(Map<String, List<EwtSnapshot>> snapshots, Map<String, List<EwtAccuracyRow>> rows) {}

    /** Sessions over ~3 h with a 40-minute lull; whole seconds so that many signals share a millisecond. */
    static List<QueueSignal> traffic(long seed) {
        Random r = new Random(seed);
        List<QueueSignal> out = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            String session = "s" + i;
            long queuedAt = T0 + r.nextInt(3 * 3600) * 1000L;
            if (queuedAt > T0 + 3600_000 && queuedAt < T0 + 6000_000) continue; // the lull
            int segments = r.nextInt(5) == 0 ? 2 : 1;
            for (int seg = 0; seg < segments; seg++) {
                String queue = QUEUES.get(r.nextInt(QUEUES.size()));
                long wait = r.nextInt(r.nextBoolean() ? 30 : 400) * 1000L;
                long endsAt = queuedAt + wait;
                out.add(QueueSignal.entered(queue, session, queuedAt, session + "-q" + seg));
                boolean abandoned = r.nextInt(6) == 0;
                if (!abandoned) {
                    out.add(QueueSignal.queueWait(queue, session, endsAt, queuedAt, session + "-j" + seg));
                }
                out.add(QueueSignal.segmentClosed(queue, session, queuedAt, endsAt, abandoned, session + "-c" + seg));
                queuedAt = endsAt + (60 + r.nextInt(600)) * 1000L; // reactivated later
            }
        }
        return out;
    }

    static Output run(List<QueueSignal> arrivalOrder, boolean watermarkAfterEach, boolean boundedDisorder) throws Exception {
        try (QueueEwtRig rig = new QueueEwtRig()) {
            long maxSeen = Long.MIN_VALUE;
            for (QueueSignal s : arrivalOrder) {
                rig.send(s);
                maxSeen = Math.max(maxSeen, s.atMs());
                if (watermarkAfterEach) rig.watermark(boundedDisorder ? maxSeen - BOUND_MS - 1 : s.atMs() - 1);
            }
            rig.watermark(Long.MAX_VALUE);
            assertThat(rig.counter(QueueEwtFunction.LATE_QUEUE_SIGNALS_METRIC)).isZero();
            assertThat(rig.counter(QueueEwtFunction.LATE_ACCURACY_SIGNALS_METRIC)).isZero();
            assertThat(rig.harness.numKeyedStateEntries()).isZero();
            return new Output(byQueue(rig.snapshots(), EwtSnapshot::queueId), byQueue(rig.rows(), EwtAccuracyRow::queueId));
        }
    }

    static <T> Map<String, List<T>> byQueue(List<T> items, java.util.function.Function<T, String> queue) {
        Map<String, List<T>> out = new HashMap<>();
        for (T item : items) out.computeIfAbsent(queue.apply(item), q -> new ArrayList<>()).add(item);
        return out;
    }

    /** From scratch: at every instant that can matter, the figures over all waits so far. */
    static Output reference(List<QueueSignal> all) {
        EwtCalculator calc = EwtCalculator.defaults();
        List<QueueSignal> sorted = new ArrayList<>(all);
        sorted.sort(QueueEwtFunction.CANONICAL_ORDER);
        Map<String, List<EwtSnapshot>> snapshots = new HashMap<>();
        Map<String, List<EwtAccuracyRow>> rows = new HashMap<>();
        for (String queue : QUEUES) {
            List<WaitSample> waits = new ArrayList<>();
            TreeSet<Long> instants = new TreeSet<>();
            for (QueueSignal s : sorted) {
                if (!s.queueId().equals(queue)) continue;
                instants.add(s.atMs());
                if (s.kind() == QueueSignal.Kind.QUEUE_WAIT) {
                    waits.add(new WaitSample(s.atMs(), s.waitMs()));
                    instants.add(s.atMs() + calc.windowMs());
                }
            }
            List<EwtSnapshot> emitted = new ArrayList<>();
            EwtFigures last = EwtFigures.UNKNOWN;
            for (long t : instants) {
                List<WaitSample> inForce = calc.inForce(waits, t);
                EwtFigures f = calc.figures(inForce);
                if (!f.equals(last)) emitted.add(new EwtSnapshot(queue, t, f, inForce));
                last = f;
            }
            if (!emitted.isEmpty()) snapshots.put(queue, emitted);

            List<EwtAccuracyRow> queueRows = new ArrayList<>();
            Map<String, EwtFigures> predicted = new LinkedHashMap<>();
            for (QueueSignal s : sorted) {
                if (!s.queueId().equals(queue)) continue;
                String key = s.sessionId() + "@" + s.queuedAtMs();
                if (s.kind() == QueueSignal.Kind.ENTERED) {
                    EwtFigures f = calc.at(waits, s.atMs());
                    predicted.put(key, f);
                    queueRows.add(new EwtAccuracyRow(queue, s.sessionId(), s.queuedAtMs(), f.estimatedWaitMs(),
                            f.sampleSize(), null, false));
                } else if (s.kind() == QueueSignal.Kind.SEGMENT_CLOSED) {
                    EwtFigures f = predicted.get(key);
                    queueRows.add(new EwtAccuracyRow(queue, s.sessionId(), s.queuedAtMs(), f.estimatedWaitMs(),
                            f.sampleSize(), s.waitMs(), s.abandoned()));
                }
            }
            if (!queueRows.isEmpty()) rows.put(queue, queueRows);
        }
        return new Output(snapshots, rows);
    }

    @Test
    void outputIsIndependentOfArrivalOrderAndWatermarkCadence() throws Exception {
        List<QueueSignal> signals = traffic(42);
        List<QueueSignal> inOrder = new ArrayList<>(signals);
        inOrder.sort(Comparator.comparingLong(QueueSignal::atMs));

        // each signal delayed by up to the bound: arrival order interleaves sessions and kinds
        Random r = new Random(7);
        Map<QueueSignal, Long> arrival = new HashMap<>();
        for (QueueSignal s : signals) arrival.put(s, s.atMs() + r.nextInt((int) BOUND_MS));
        List<QueueSignal> shuffled = new ArrayList<>(signals);
        shuffled.sort(Comparator.comparingLong(arrival::get));
        assertThat(shuffled).isNotEqualTo(inOrder);

        Output expected = reference(signals);
        long snapshotCount = expected.snapshots().values().stream().mapToLong(List::size).sum();
        long nullSnapshots = expected.snapshots().values().stream().flatMap(List::stream)
                .filter(s -> s.figures().sampleSize() == 0).count();
        long fullWindows = expected.snapshots().values().stream().flatMap(List::stream)
                .filter(s -> s.figures().sampleSize() == 10).count();
        assertThat(snapshotCount).isGreaterThan(300);
        assertThat(nullSnapshots).as("the lull empties the queues").isGreaterThanOrEqualTo(QUEUES.size());
        assertThat(fullWindows).as("some windows hold more than 10 samples").isPositive();

        Output inOrderRun = run(inOrder, true, false);
        assertThat(inOrderRun).isEqualTo(expected);
        assertThat(run(shuffled, true, true)).isEqualTo(expected);
        assertThat(run(shuffled, false, false)).as("one final watermark").isEqualTo(expected);
    }
}
