package io.chatkpi.jobs.kpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.chatkpi.ingest.ewt.EwtFigures;
import io.chatkpi.ingest.ewt.EwtSnapshot;
import io.chatkpi.ingest.ewt.WaitSample;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueEwtFunctionTest {

    static final long T0 = Instant.parse("2026-11-25T10:00:00Z").toEpochMilli();
    static final long SEC = 1_000L;
    static final long MIN = 60 * SEC;
    static final String Q = "billing";

    static QueueSignal waited(String queue, String session, long joinedAt, long waitMs) {
        return QueueSignal.queueWait(queue, session, joinedAt, joinedAt - waitMs, session + "-joined@" + joinedAt);
    }

    static QueueSignal entered(String queue, String session, long queuedAt) {
        return QueueSignal.entered(queue, session, queuedAt, session + "-queued@" + queuedAt);
    }

    static QueueSignal closed(String queue, String session, long queuedAt, long closedAt, boolean abandoned) {
        return QueueSignal.segmentClosed(queue, session, queuedAt, closedAt, abandoned, session + "-closed@" + closedAt);
    }

    static EwtFigures fig(long estimated, long mean, long p50, long p90, int k) {
        return new EwtFigures(estimated, mean, p50, p90, k);
    }

    @Test
    void theEleventhSamplePushesTheOldestOut() throws Exception {
        try (QueueEwtRig rig = new QueueEwtRig()) {
            for (int i = 0; i < 11; i++) {
                rig.send(waited(Q, "s" + i, T0 + i * 10 * SEC, (i + 1) * 1000L)).watermark(T0 + i * 10 * SEC);
            }
            List<EwtSnapshot> out = rig.snapshots();
            assertThat(out).hasSize(11);
            // ten waits 1..10 s, newest first w_i = (11 − i) s: Σ(11−i)²·1000 / 55 = 385000 / 55
            EwtSnapshot tenth = out.get(9);
            assertThat(tenth.asOfMs()).isEqualTo(T0 + 90 * SEC);
            assertThat(tenth.figures()).isEqualTo(fig(7_000, 5_500, 5_000, 9_000, 10));
            // the 11th (11 s) pushes the 1 s wait out: newest first (12 − i) s: Σ j(j+1)·1000 / 55 = 440000 / 55
            EwtSnapshot eleventh = out.get(10);
            assertThat(eleventh.asOfMs()).isEqualTo(T0 + 100 * SEC);
            assertThat(eleventh.figures()).isEqualTo(fig(8_000, 6_500, 6_000, 10_000, 10));
            assertThat(eleventh.samples()).hasSize(10);
            assertThat(eleventh.samples().get(0)).isEqualTo(new WaitSample(T0 + 100 * SEC, 11_000));
            assertThat(eleventh.samples().get(9)).isEqualTo(new WaitSample(T0 + 10 * SEC, 2_000));
            assertThat(rig.keptSamples(Q)).hasSize(10).doesNotContain(new WaitSample(T0, 1_000));
        }
    }

    @Test
    void samplesAgeOutWithNoNewEvents() throws Exception {
        try (QueueEwtRig rig = new QueueEwtRig()) {
            rig.send(waited(Q, "a", T0, 30 * SEC), waited(Q, "b", T0 + MIN, 60 * SEC)).watermark(T0 + MIN);
            // (10·60000 + 9·30000) / 19 = 870000 / 19 = 45789.47
            assertThat(rig.snapshots()).extracting(EwtSnapshot::asOfMs, EwtSnapshot::figures).containsExactly(
                    tuple(T0, fig(30_000, 30_000, 30_000, 30_000, 1)),
                    tuple(T0 + MIN, fig(45_789, 45_000, 30_000, 60_000, 2)));
            assertThat(rig.harness.numEventTimeTimers()).as("one timer: the first sample's expiry").isEqualTo(1);

            rig.watermark(T0 + 10 * MIN - 1);
            assertThat(rig.snapshots()).isEmpty();

            rig.watermark(T0 + 10 * MIN);
            List<EwtSnapshot> aged = rig.snapshots();
            assertThat(aged).hasSize(1);
            assertThat(aged.get(0).asOfMs()).isEqualTo(T0 + 10 * MIN);
            assertThat(aged.get(0).figures()).isEqualTo(fig(60_000, 60_000, 60_000, 60_000, 1));
            assertThat(aged.get(0).samples()).containsExactly(new WaitSample(T0 + MIN, 60_000));
            assertThat(rig.harness.numEventTimeTimers()).isEqualTo(1);

            rig.watermark(T0 + 11 * MIN);
            List<EwtSnapshot> empty = rig.snapshots();
            assertThat(empty).hasSize(1);
            assertThat(empty.get(0).asOfMs()).isEqualTo(T0 + 11 * MIN);
            assertThat(empty.get(0).figures()).isEqualTo(EwtFigures.UNKNOWN);
            assertThat(empty.get(0).figures().estimatedWaitMs()).isNull();
            assertThat(empty.get(0).samples()).isEmpty();
            assertThat(rig.harness.numEventTimeTimers()).isZero();
            assertThat(rig.harness.numKeyedStateEntries()).as("nothing left for an idle queue").isZero();

            rig.watermark(T0 + 5 * 60 * MIN);
            assertThat(rig.snapshots()).isEmpty();
        }
    }

    @Test
    void oneWatermarkJumpEmitsEveryAgingStepAtItsOwnInstant() throws Exception {
        try (QueueEwtRig rig = new QueueEwtRig()) {
            rig.send(waited(Q, "a", T0, 30 * SEC), waited(Q, "b", T0 + MIN, 60 * SEC),
                    waited(Q, "c", T0 + 2 * MIN, 90 * SEC));
            rig.watermark(T0 + 3 * 60 * MIN);
            assertThat(rig.snapshots()).extracting(EwtSnapshot::asOfMs, s -> s.figures().sampleSize()).containsExactly(
                    tuple(T0, 1),
                    tuple(T0 + MIN, 2),
                    tuple(T0 + 2 * MIN, 3),
                    tuple(T0 + 10 * MIN, 2),
                    tuple(T0 + 11 * MIN, 1),
                    tuple(T0 + 12 * MIN, 0));
            assertThat(rig.harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void fewerThanTenSamplesUseTheTopWeights() throws Exception {
        try (QueueEwtRig rig = new QueueEwtRig()) {
            rig.send(waited(Q, "a", T0, 10 * SEC), waited(Q, "b", T0 + MIN, 20 * SEC),
                    waited(Q, "c", T0 + 2 * MIN, 30 * SEC)).watermark(T0 + 2 * MIN);
            assertThat(rig.snapshots()).extracting(EwtSnapshot::figures).containsExactly(
                    fig(10_000, 10_000, 10_000, 10_000, 1),
                    // (10·20000 + 9·10000) / 19 = 15263.16
                    fig(15_263, 15_000, 10_000, 20_000, 2),
                    // (10·30000 + 9·20000 + 8·10000) / 27 = 20740.74
                    fig(20_741, 20_000, 20_000, 30_000, 3));
        }
    }

    @Test
    void anEmptyQueueHasNoSnapshotAndAnUnknownPrediction() throws Exception {
        try (QueueEwtRig rig = new QueueEwtRig()) {
            rig.send(entered(Q, "a", T0)).watermark(T0 + MIN);
            assertThat(rig.snapshots()).isEmpty();
            assertThat(rig.rows()).containsExactly(new EwtAccuracyRow(Q, "a", T0, null, 0, null, false));
            rig.send(closed(Q, "a", T0, T0 + 2 * MIN, true)).watermark(T0 + 2 * MIN);
            assertThat(rig.snapshots()).as("an abandoned wait is no sample").isEmpty();
            assertThat(rig.rows()).containsExactly(new EwtAccuracyRow(Q, "a", T0, null, 0, 2 * MIN, true));
        }
    }

    @Test
    void anEntryGetsTheEstimateInForceAtItsInstant() throws Exception {
        try (QueueEwtRig rig = new QueueEwtRig()) {
            rig.send(waited(Q, "a", T0, 30 * SEC), entered(Q, "x", T0 + 5 * SEC));
            // the entry at T0+1min arrives before the wait that ends at the same ms: that wait still counts
            rig.send(entered(Q, "y", T0 + MIN), waited(Q, "b", T0 + MIN, 60 * SEC));
            rig.send(entered(Q, "z", T0 + 10 * MIN)); // the 30 s sample leaves at this very instant
            rig.send(entered(Q, "w", T0 + 10 * MIN - 1)); // ... and still holds 1 ms before
            rig.watermark(T0 + 10 * MIN);
            assertThat(rig.rows()).containsExactly(
                    new EwtAccuracyRow(Q, "x", T0 + 5 * SEC, 30_000L, 1, null, false),
                    new EwtAccuracyRow(Q, "y", T0 + MIN, 45_789L, 2, null, false),
                    new EwtAccuracyRow(Q, "w", T0 + 10 * MIN - 1, 45_789L, 2, null, false),
                    new EwtAccuracyRow(Q, "z", T0 + 10 * MIN, 60_000L, 1, null, false));
        }
    }

    @Test
    void accuracyRowsCarryPredictionActualAndAbandonment() throws Exception {
        try (QueueEwtRig rig = new QueueEwtRig()) {
            rig.send(waited(Q, "a", T0, 40 * SEC), entered(Q, "x", T0 + SEC), entered(Q, "y", T0 + 2 * SEC),
                    waited(Q, "x", T0 + 46 * SEC, 45 * SEC), closed(Q, "x", T0 + SEC, T0 + 46 * SEC, false),
                    closed(Q, "y", T0 + 2 * SEC, T0 + 3 * MIN, true));
            rig.watermark(T0 + 30 * SEC);
            assertThat(rig.rows()).containsExactly(
                    new EwtAccuracyRow(Q, "x", T0 + SEC, 40_000L, 1, null, false),
                    new EwtAccuracyRow(Q, "y", T0 + 2 * SEC, 40_000L, 1, null, false));
            assertThat(rig.openPredictions(Q)).isEqualTo(2);
            rig.watermark(T0 + 5 * MIN);
            assertThat(rig.rows()).containsExactly(
                    new EwtAccuracyRow(Q, "x", T0 + SEC, 40_000L, 1, 45_000L, false),
                    new EwtAccuracyRow(Q, "y", T0 + 2 * SEC, 40_000L, 1, 3 * MIN - 2 * SEC, true));
            assertThat(rig.openPredictions(Q)).isZero();
            assertThat(rig.counter(QueueEwtFunction.UNMATCHED_CLOSES_METRIC)).isZero();
        }
    }

    @Test
    void snapshotsAreEmittedOnlyWhenAFigureChanges() throws Exception {
        try (QueueEwtRig rig = new QueueEwtRig()) {
            for (int i = 0; i < 10; i++) rig.send(waited(Q, "s" + i, T0 + i * SEC, 5_000));
            rig.watermark(T0 + 9 * SEC);
            assertThat(rig.snapshots()).hasSize(10);
            // an 11th equal wait replaces the oldest: same figures, so nothing new; entries and closes never emit
            rig.send(waited(Q, "s10", T0 + 10 * SEC, 5_000), entered(Q, "e", T0 + 11 * SEC),
                    closed(Q, "e", T0 + 11 * SEC, T0 + 12 * SEC, true)).watermark(T0 + 12 * SEC);
            assertThat(rig.snapshots()).isEmpty();
            rig.send(waited(Q, "s11", T0 + 13 * SEC, 6_000)).watermark(T0 + 13 * SEC);
            List<EwtSnapshot> changed = rig.snapshots();
            assertThat(changed).hasSize(1);
            assertThat(changed.get(0).asOfMs()).isEqualTo(T0 + 13 * SEC);
            // newest first 6000 then nine 5000: (60000 + 45·5000) / 55 = 5181.8
            assertThat(changed.get(0).figures()).isEqualTo(fig(5_182, 5_100, 5_000, 5_000, 10));
        }
    }

    @Test
    void lateSignalsNeverRewriteTheEwtButStillYieldAccuracyRows() throws Exception {
        try (QueueEwtRig rig = new QueueEwtRig()) {
            rig.send(waited(Q, "a", T0, 30 * SEC), entered(Q, "x", T0 + SEC)).watermark(T0 + MIN);
            assertThat(rig.snapshots()).hasSize(1);
            rig.rows();

            rig.send(waited(Q, "late", T0 + 30 * SEC, 90 * SEC)); // at or before the watermark: late
            rig.send(entered(Q, "y", T0 + 40 * SEC), closed(Q, "y", T0 + 40 * SEC, T0 + 50 * SEC, false));
            rig.send(closed(Q, "x", T0 + SEC, T0 + 55 * SEC, false));
            assertThat(rig.counter(QueueEwtFunction.LATE_QUEUE_SIGNALS_METRIC)).isEqualTo(1);
            assertThat(rig.counter(QueueEwtFunction.LATE_ACCURACY_SIGNALS_METRIC)).isEqualTo(3);
            assertThat(rig.rows()).containsExactly(
                    new EwtAccuracyRow(Q, "y", T0 + 40 * SEC, null, 0, null, false),
                    new EwtAccuracyRow(Q, "y", T0 + 40 * SEC, null, 0, 10 * SEC, false),
                    // a late close still finds the prediction recorded on time
                    new EwtAccuracyRow(Q, "x", T0 + SEC, 30_000L, 1, 54 * SEC, false));
            assertThat(rig.keptSamples(Q)).containsExactly(new WaitSample(T0, 30_000));

            rig.watermark(T0 + 20 * MIN);
            assertThat(rig.snapshots()).extracting(EwtSnapshot::asOfMs, EwtSnapshot::figures).containsExactly(
                    tuple(T0 + 10 * MIN, EwtFigures.UNKNOWN));

            // a close whose entry comes later still (late): the entry must not reopen the closed row
            rig.send(closed(Q, "v", T0 + 19 * MIN, T0 + 21 * MIN, false)).watermark(T0 + 22 * MIN);
            assertThat(rig.rows()).containsExactly(new EwtAccuracyRow(Q, "v", T0 + 19 * MIN, null, 0, 2 * MIN, false));
            assertThat(rig.counter(QueueEwtFunction.UNMATCHED_CLOSES_METRIC)).isEqualTo(1);
            rig.send(entered(Q, "v", T0 + 19 * MIN));
            assertThat(rig.rows()).isEmpty();
            rig.watermark(Long.MAX_VALUE);
            assertThat(rig.harness.numKeyedStateEntries()).isZero();
            assertThat(rig.counter(QueueEwtFunction.EXPIRED_PREDICTIONS_METRIC)).as("the marker is no prediction").isZero();
        }
    }

    @Test
    void openPredictionsAreDroppedAfterTheRetention() throws Exception {
        QueueEwtFunction.Config config = new QueueEwtFunction.Config(10 * MIN, 10, 60 * MIN);
        try (QueueEwtRig rig = new QueueEwtRig(config)) {
            rig.send(waited(Q, "a", T0, 30 * SEC), entered(Q, "lost", T0 + SEC), entered(Q, "kept", T0 + 2 * SEC));
            rig.watermark(T0 + 5 * SEC);
            rig.snapshots();
            rig.rows();
            rig.send(closed(Q, "kept", T0 + 2 * SEC, T0 + 30 * MIN, false)).watermark(T0 + 30 * MIN);
            assertThat(rig.rows()).containsExactly(new EwtAccuracyRow(Q, "kept", T0 + 2 * SEC, 30_000L, 1, 30 * MIN - 2 * SEC, false));
            assertThat(rig.openPredictions(Q)).isEqualTo(1);
            assertThat(rig.harness.numEventTimeTimers()).as("one timer, for the retention").isEqualTo(1);

            rig.watermark(T0 + SEC + 60 * MIN - 1);
            assertThat(rig.openPredictions(Q)).isEqualTo(1);
            rig.watermark(T0 + SEC + 60 * MIN);
            assertThat(rig.openPredictions(Q)).isZero();
            assertThat(rig.counter(QueueEwtFunction.EXPIRED_PREDICTIONS_METRIC)).isEqualTo(1);
            assertThat(rig.harness.numEventTimeTimers()).isZero();
            assertThat(rig.harness.numKeyedStateEntries()).isZero();

            // its wait ends after all: the actual is kept, the prediction is unknown
            rig.send(closed(Q, "lost", T0 + SEC, T0 + 61 * MIN + SEC, true)).watermark(T0 + 62 * MIN);
            assertThat(rig.rows()).containsExactly(new EwtAccuracyRow(Q, "lost", T0 + SEC, null, 0, 61 * MIN, true));
            assertThat(rig.counter(QueueEwtFunction.UNMATCHED_CLOSES_METRIC)).isEqualTo(1);
        }
    }

    @Test
    void stateStaysBoundedUnderSteadyTraffic() throws Exception {
        try (QueueEwtRig rig = new QueueEwtRig()) {
            int maxEntries = 0;
            int maxSamples = 0;
            int maxTimers = 0;
            int maxOpen = 0;
            for (int i = 0; i < 2_000; i++) {
                long at = T0 + i * 5 * SEC;
                String s = "s" + i;
                rig.send(entered(Q, s, at - 20 * SEC), waited(Q, s, at, 20 * SEC), closed(Q, s, at - 20 * SEC, at, false));
                rig.send(entered("other", s, at));
                if (i % 3 == 0) rig.watermark(at - 30 * SEC);
                maxEntries = Math.max(maxEntries, rig.harness.numKeyedStateEntries());
                maxTimers = Math.max(maxTimers, rig.harness.numEventTimeTimers());
                if (i % 100 == 0) {
                    maxSamples = Math.max(maxSamples, rig.keptSamples(Q).size());
                    maxOpen = Math.max(maxOpen, rig.openPredictions(Q));
                }
            }
            assertThat(maxSamples).isEqualTo(10);
            // per queue at most: pending signals, samples, last figures, open predictions, their expiry, the timer
            assertThat(maxEntries).isLessThanOrEqualTo(2 * 6);
            assertThat(maxTimers).as("one timer per queue").isLessThanOrEqualTo(2);
            // waits last 20 s, one entry every 5 s, the watermark lags ≤ 45 s: at most (20 + 45) / 5 + 1 open
            assertThat(maxOpen).isBetween(1, 14);
            rig.watermark(T0 + 1_999 * 5 * SEC);
            assertThat(rig.openPredictions(Q)).isZero();
            assertThat(rig.openPredictions("other")).as("never closed, kept until the retention").isEqualTo(2_000);
            rig.watermark(Long.MAX_VALUE);
            assertThat(rig.harness.numKeyedStateEntries()).isZero();
            assertThat(rig.harness.numEventTimeTimers()).isZero();
        }
    }
}
