package io.chatkpi.jobs.kpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.chatkpi.ingest.ewt.EwtFigures;
import io.chatkpi.ingest.ewt.EwtSnapshot;
import io.chatkpi.ingest.ewt.WaitSample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LiveEwtFunctionTest {

    static final long T0 = Instant.parse("2026-11-25T10:00:00Z").toEpochMilli();
    static final long SEC = 1_000L;
    static final long MIN = 60 * SEC;
    static final String Q = "billing";
    static final LiveEwtFunction.Config CONFIG = LiveEwtFunction.Config.defaults();
    static final long CONFIRM = CONFIG.confirmWithinMs();

    private LiveEwtFunction function;
    private KeyedTwoInputStreamOperatorTestHarness<String, QueueSignal, QueueSignal, EwtSnapshot> harness;

    @BeforeEach
    void open() throws Exception {
        function = new LiveEwtFunction(CONFIG);
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(new KeyedCoProcessOperator<>(function),
                QueueSignal::queueId, QueueSignal::queueId, Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    static QueueSignal wait(String queue, String joinedEventId, long joinedAt, long waitMs) {
        return QueueSignal.queueWait(queue, "session-" + joinedEventId, joinedAt, joinedAt - waitMs, joinedEventId);
    }

    private void provisional(QueueSignal... waits) throws Exception {
        for (QueueSignal w : waits) harness.processElement1(w, w.atMs());
    }

    private void confirmed(QueueSignal... waits) throws Exception {
        for (QueueSignal w : waits) harness.processElement2(w, w.atMs());
    }

    private void watermark(long w) throws Exception {
        harness.processBothWatermarks(new Watermark(w));
    }

    /** The snapshots emitted since the last call. */
    private List<EwtSnapshot> snapshots() {
        List<EwtSnapshot> out = harness.extractOutputValues();
        harness.getOutput().clear();
        return out;
    }

    static EwtFigures one(long waitMs) {
        return new EwtFigures(waitMs, waitMs, waitMs, waitMs, 1);
    }

    @Test
    void aProvisionalWaitIsEmittedAtOnceBeforeAnyWatermark() throws Exception {
        provisional(wait(Q, "j1", T0, 30 * SEC));

        assertThat(snapshots()).extracting(EwtSnapshot::queueId, EwtSnapshot::asOfMs, EwtSnapshot::figures,
                EwtSnapshot::samples).containsExactly(
                tuple(Q, T0, one(30 * SEC), List.of(new WaitSample(T0, 30 * SEC))));
    }

    @Test
    void theFinalSignalConfirmsItAndItStays() throws Exception {
        provisional(wait(Q, "j1", T0, 30 * SEC));
        snapshots();

        confirmed(wait(Q, "j1", T0, 30 * SEC));
        assertThat(snapshots()).as("confirmed as it was: nothing changed").isEmpty();

        watermark(T0 + CONFIRM);
        watermark(T0 + 5 * MIN);
        assertThat(snapshots()).as("a confirmed sample is not withdrawn").isEmpty();
        assertThat(function.withdrawnCount()).isZero();

        watermark(T0 + 10 * MIN);
        assertThat(snapshots()).as("it ages out of the window like any sample")
                .extracting(EwtSnapshot::asOfMs, EwtSnapshot::figures, EwtSnapshot::samples)
                .containsExactly(tuple(T0 + 10 * MIN, EwtFigures.UNKNOWN, List.of()));
    }

    @Test
    void theFinalSignalReplacesAProvisionalWaitThatWasWrong() throws Exception {
        // the REP_JOINED came before the session's first QUEUED: the provisional wait was measured from a later one
        provisional(wait(Q, "j1", T0, 10 * SEC));
        confirmed(wait(Q, "j1", T0, 40 * SEC));

        assertThat(snapshots()).extracting(EwtSnapshot::figures, EwtSnapshot::samples).containsExactly(
                tuple(one(10 * SEC), List.of(new WaitSample(T0, 10 * SEC))),
                tuple(one(40 * SEC), List.of(new WaitSample(T0, 40 * SEC))));
        watermark(T0 + MIN);
        assertThat(snapshots()).isEmpty();
        assertThat(function.withdrawnCount()).isZero();
    }

    @Test
    void anUnconfirmedProvisionalWaitIsWithdrawnOnceTheWatermarkPassesItsTimePlusTheBound() throws Exception {
        provisional(wait(Q, "good", T0, 20 * SEC), wait(Q, "wrong", T0 + SEC, 60 * SEC));
        assertThat(snapshots()).extracting(EwtSnapshot::asOfMs, e -> e.figures().sampleSize())
                .containsExactly(tuple(T0, 1), tuple(T0 + SEC, 2));

        confirmed(wait(Q, "good", T0, 20 * SEC));
        watermark(T0 + SEC + CONFIRM - 1);
        assertThat(snapshots()).as("not yet: the exact path may still confirm it").isEmpty();

        watermark(T0 + SEC + CONFIRM);
        assertThat(snapshots()).extracting(EwtSnapshot::asOfMs, EwtSnapshot::figures, EwtSnapshot::samples)
                .containsExactly(tuple(T0 + SEC + CONFIRM, one(20 * SEC), List.of(new WaitSample(T0, 20 * SEC))));
        assertThat(function.withdrawnCount()).isEqualTo(1);
    }

    @Test
    void aWaitThatMovedToAnotherQueueLeavesTheFirstAndJoinsTheOther() throws Exception {
        provisional(wait("sales", "j1", T0, 20 * SEC));
        confirmed(wait("support", "j1", T0, 20 * SEC));
        watermark(T0 + CONFIRM);

        assertThat(snapshots()).extracting(EwtSnapshot::queueId, EwtSnapshot::figures).containsExactly(
                tuple("sales", one(20 * SEC)),
                tuple("support", one(20 * SEC)),
                tuple("sales", EwtFigures.UNKNOWN));
    }

    @Test
    void duplicatesCountOnce() throws Exception {
        provisional(wait(Q, "j1", T0, 30 * SEC), wait(Q, "j1", T0, 30 * SEC));
        assertThat(snapshots()).extracting(e -> e.figures().sampleSize()).containsExactly(1);

        // the confirmation overtook the provisional wait of another join (two inputs, no order between them)
        confirmed(wait(Q, "j2", T0 + SEC, 50 * SEC));
        provisional(wait(Q, "j2", T0 + SEC, 50 * SEC));
        confirmed(wait(Q, "j1", T0, 30 * SEC));
        List<EwtSnapshot> out = snapshots();
        assertThat(out).extracting(e -> e.figures().sampleSize()).containsExactly(2);
        assertThat(out.get(0).samples()).containsExactly(new WaitSample(T0 + SEC, 50 * SEC), new WaitSample(T0, 30 * SEC));
        assertThat(function.duplicateCount()).isEqualTo(2);

        watermark(T0 + 5 * MIN);
        assertThat(snapshots()).isEmpty();
        assertThat(function.withdrawnCount()).isZero();
    }

    @Test
    void aProvisionalWaitTheWatermarkAlreadyPassedIsIgnored() throws Exception {
        watermark(T0 + MIN);
        provisional(wait(Q, "j1", T0, 30 * SEC));
        assertThat(snapshots()).isEmpty();
    }

    @Test
    void asOfNeverGoesBack() throws Exception {
        provisional(wait(Q, "later", T0 + 10 * SEC, 30 * SEC), wait(Q, "earlier", T0, 20 * SEC));
        assertThat(snapshots()).extracting(EwtSnapshot::asOfMs, e -> e.figures().sampleSize())
                .containsExactly(tuple(T0 + 10 * SEC, 1), tuple(T0 + 10 * SEC, 2));
    }

    /**
     * Whatever provisional waits came (right, wrong, in other queues, repeated), once the watermark has passed them
     * the live figures are the exact path's: the same queue waits run through {@link QueueEwtFunction}, whose
     * applied waits confirm them here.
     */
    @Test
    void onceEverythingIsConfirmedOrWithdrawnTheFiguresAreTheExactOnes() throws Exception {
        Random rnd = new Random(7);
        List<QueueSignal> exact = new ArrayList<>();
        long t = T0;
        for (int i = 0; i < 40; i++) {
            t += 1 + rnd.nextInt(20_000);
            exact.add(wait(Q, "j" + i, t, 1_000 + rnd.nextInt(120_000)));
        }
        try (QueueEwtRig rig = new QueueEwtRig()) {
            EwtSnapshot lastExact = null;
            EwtSnapshot lastLive = null;
            for (int i = 0; i < exact.size(); i++) {
                QueueSignal w = exact.get(i);
                switch (i % 4) {
                    case 0 -> provisional(w);
                    case 1 -> provisional(wait(Q, w.eventId(), w.atMs(), w.waitMs() / 2)); // a wrong wait
                    case 2 -> provisional(w, w); // repeated
                    default -> { } // none: it reaches the live path only confirmed
                }
                provisional(wait(Q, "ghost" + i, w.atMs(), 5_000)); // never confirmed
                rig.send(w).watermark(w.atMs());
                var applied = rig.harness.getSideOutput(QueueEwtFunction.APPLIED_QUEUE_WAITS);
                assertThat(applied).as("the exact path applied the wait").hasSize(1);
                confirmed(applied.poll().getValue());
                for (EwtSnapshot s : rig.snapshots()) lastExact = s;
                watermark(w.atMs());
                for (EwtSnapshot s : snapshots()) lastLive = s;
            }
            long settled = t + CONFIRM;
            rig.watermark(settled);
            watermark(settled);
            for (EwtSnapshot s : rig.snapshots()) lastExact = s;
            for (EwtSnapshot s : snapshots()) lastLive = s;

            assertThat(lastExact.figures().sampleSize()).isEqualTo(10);
            assertThat(lastLive.figures()).isEqualTo(lastExact.figures());
            assertThat(lastLive.samples()).isEqualTo(lastExact.samples());
            assertThat(function.withdrawnCount()).isEqualTo(exact.size());
        }
    }
}
