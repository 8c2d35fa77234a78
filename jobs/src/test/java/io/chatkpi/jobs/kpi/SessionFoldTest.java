package io.chatkpi.jobs.kpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatkpi.ingest.event.SessionEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The session operator continues a session's fold at a flush instead of recomputing the session: a fold continued
 * step by step must equal {@link SessionTimeline#compute} over the same events, and the operator with its folds
 * kept must emit exactly what it emits when it recomputes every session each time.
 */
class SessionFoldTest {

    private static final SessionKpiConfig CONFIG = SessionKpiConfig.defaults();

    @Test
    void aFoldContinuedInStepsEqualsTheComputeOverAllEventsAndSoDoItsSignals() {
        Random rnd = new Random(11);
        for (int i = 0; i < 500; i++) {
            String id = "f" + i;
            List<SessionEvent> events = new ArrayList<>(new SessionEventFixtures(id).random(rnd));
            events.sort(SessionTimeline.CANONICAL_ORDER);
            SessionTimeline.Fold fold = new SessionTimeline.Fold(id, CONFIG);
            int from = 0;
            while (from < events.size()) {
                int to = Math.min(events.size(), from + 1 + rnd.nextInt(4));
                List<SessionEvent> step = events.subList(from, to);
                assertThat(fold.continuesWith(step)).isTrue();
                fold.applyInOrder(step);
                SessionTimeline.Result expected = SessionTimeline.compute(id, events.subList(0, to), CONFIG);
                assertThat(fold.result()).as("%s after %d events", id, to).isEqualTo(expected);
                assertThat(SessionTimeline.signals(id, events.subList(0, to), CONFIG))
                        .as("signals of %s after %d events", id, to).isEqualTo(expected.signals());
                from = to;
            }
        }
    }

    @Test
    void aFoldRefusesAnEventBeforeWhatItApplied() {
        SessionEventFixtures s = new SessionEventFixtures("s1");
        SessionTimeline.Fold fold = new SessionTimeline.Fold("s1", CONFIG);
        fold.applyInOrder(List.of(s.started("e1", 0), s.queued("e3", 2_000, "sales")));

        List<SessionEvent> earlier = List.of(s.message("e2", 1_000, io.chatkpi.ingest.event.Sender.END_USER));
        assertThat(fold.continuesWith(earlier)).isFalse();
        assertThatThrownBy(() -> fold.applyInOrder(earlier)).isInstanceOf(IllegalArgumentException.class);
        assertThat(fold.continuesWith(List.of(s.joined("e4", 2_000, "alice")))).isTrue();
    }

    /**
     * Many interleaved random sessions, delivered shuffled within the bound (watermark held back), then with the
     * watermark not held back (many late events), redeliveries included: every output (rows, facts, fact changes,
     * queue signals, provisional queue waits) in the same order as the operator that recomputes every session. A cache of 3
     * sessions makes most flushes miss it (eviction), the default keeps every session.
     */
    @ParameterizedTest(name = "fold cache of {0} sessions")
    @ValueSource(ints = {3, SessionKpiFunction.DEFAULT_FOLD_CACHE_SESSIONS})
    void theOperatorEmitsWhatTheFullRecomputeEmits(int foldCacheSessions) throws Exception {
        long bound = 5_000;
        Random rnd = new Random(foldCacheSessions);
        List<SessionEvent> arrivals = new ArrayList<>();
        List<Long> arrivalTimes = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            List<SessionEvent> events = new SessionEventFixtures("r" + i).random(rnd);
            long offset = rnd.nextInt(120_000);
            for (SessionEvent e : events) {
                SessionEvent shifted = e.withTs(e.ts() + offset);
                int copies = rnd.nextInt(10) == 0 ? 2 : 1;
                for (int c = 0; c < copies; c++) {
                    arrivals.add(shifted);
                    arrivalTimes.add(shifted.ts() + rnd.nextInt((int) bound + 1));
                }
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < arrivals.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing(arrivalTimes::get));

        for (long lag : new long[] {bound + 1, 1_000, 0}) {
            SessionKpiFunction folding = new SessionKpiFunction(CONFIG, foldCacheSessions);
            SessionKpiFunction recomputing = new SessionKpiFunction(CONFIG, 0);
            try (var fast = harness(folding); var full = harness(recomputing)) {
                long maxTs = Long.MIN_VALUE;
                for (int i : order) {
                    SessionEvent e = arrivals.get(i);
                    fast.processElement(e, e.ts());
                    full.processElement(e, e.ts());
                    maxTs = Math.max(maxTs, e.ts());
                    // watermarks now and then, as a source emits them: several events become ready at once
                    if (rnd.nextInt(5) == 0) {
                        fast.processWatermark(maxTs - lag);
                        full.processWatermark(maxTs - lag);
                    }
                }
                fast.processWatermark(maxTs + 60_000);
                full.processWatermark(maxTs + 60_000);

                assertThat(fast.getOutput()).as("lag %d: rows and watermarks", lag).hasSameSizeAs(full.getOutput());
                assertThat(List.copyOf(fast.getOutput())).as("lag %d: rows and watermarks", lag)
                        .isEqualTo(List.copyOf(full.getOutput()));
                for (OutputTag<?> tag : List.of(SessionKpiFunction.FACTS, SessionKpiFunction.FACT_CHANGES,
                        SessionKpiFunction.QUEUE_SIGNALS, SessionKpiFunction.LIVE_QUEUE_WAITS)) {
                    assertThat(values(fast, tag)).as("lag %d: %s", lag, tag.getId()).isNotEmpty()
                            .isEqualTo(values(full, tag));
                }
                assertThat(folding.lateEventCount()).isEqualTo(recomputing.lateEventCount());
                if (lag == 0) {
                    assertThat(folding.lateEventCount()).isPositive();
                }
            }
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, SessionEvent, SessionRow> harness(
            SessionKpiFunction function) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(function), SessionEvent::sessionId, Types.STRING);
        h.open();
        return h;
    }

    private static List<Object> values(KeyedOneInputStreamOperatorTestHarness<String, SessionEvent, SessionRow> h,
            OutputTag<?> tag) {
        var records = h.getSideOutput(tag);
        List<Object> out = new ArrayList<>();
        if (records != null) {
            for (StreamRecord<?> r : records) {
                out.add(List.of(r.getValue(), r.getTimestamp()));
            }
        }
        return out;
    }
}
