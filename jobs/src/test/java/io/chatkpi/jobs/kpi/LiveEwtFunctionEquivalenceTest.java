package io.chatkpi.jobs.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatkpi.ingest.ewt.EwtSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The live EWT operator keeps its provisional and recently confirmed samples in time order so that a call costs
 * what it touches, not what is held. It must emit exactly what the first version (which merged, sorted and scanned
 * everything on every call: {@link LiveEwtReferenceFunction}) emits: same snapshots in the same order, same
 * withdrawn and duplicate counts, over simulated traffic where many waits pile up between two watermarks (as when
 * the job reads a backlog), with equal times, waits out of order, repeated, wrong, in another queue, never
 * confirmed, confirmed before their provisional wait, and behind the watermark.
 */
class LiveEwtFunctionEquivalenceTest {

    static final long T0 = Instant.parse("2026-11-25T10:00:00Z").toEpochMilli();
    static final List<String> QUEUES = List.of("billing", "sales");

    static List<Object[]> cases() {
        List<Object[]> out = new ArrayList<>();
        for (long seed = 1; seed <= 12; seed++) {
            out.add(new Object[] {seed, LiveEwtFunction.Config.defaults()});
            // a bound to confirm within, a short window and few samples: ageing and the cap every few steps
            out.add(new Object[] {seed, new LiveEwtFunction.Config(40_000, 3, 2_000)});
        }
        return out;
    }

    @ParameterizedTest(name = "seed {0}, {1}")
    @MethodSource("cases")
    void emitsWhatTheFullRecomputeEmits(long seed, LiveEwtFunction.Config config) throws Exception {
        LiveEwtFunction indexed = new LiveEwtFunction(config);
        LiveEwtReferenceFunction reference = new LiveEwtReferenceFunction(config);
        try (var fast = harness(indexed); var full = harness(reference)) {
            Random rnd = new Random(seed);
            long t = T0;
            long watermark = Long.MIN_VALUE;
            List<QueueSignal> toConfirm = new ArrayList<>();
            int joins = 0;
            for (int step = 0; step < 60; step++) {
                // a batch of joins between two watermarks: up to a few hundred, times mostly rising
                int batch = 1 + rnd.nextInt(rnd.nextInt(4) == 0 ? 300 : 20);
                List<QueueSignal> provisional = new ArrayList<>();
                List<QueueSignal> exact = new ArrayList<>();
                for (int k = 0; k < batch; k++) {
                    t += rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(3_000);
                    long at = t - (rnd.nextInt(5) == 0 ? rnd.nextInt(8_000) : 0);
                    String id = "j" + joins++;
                    String queue = QUEUES.get(rnd.nextInt(QUEUES.size()));
                    QueueSignal w = wait(queue, id, at, 1_000 + rnd.nextInt(90_000));
                    switch (rnd.nextInt(6)) {
                        case 0 -> provisional.add(wait(queue, id, at, w.waitMs() / 2)); // wrong wait
                        case 1 -> provisional.add(wait(other(queue), id, at, w.waitMs())); // moved queue
                        case 2 -> { provisional.add(w); provisional.add(w); } // repeated
                        case 3 -> { } // never provisional
                        default -> provisional.add(w);
                    }
                    if (rnd.nextInt(4) == 0) provisional.add(wait(queue, "ghost" + id, at, 5_000)); // never confirmed
                    if (rnd.nextInt(8) != 0) exact.add(w); // the exact path dropped the rest
                }
                Collections.shuffle(provisional, rnd);
                for (QueueSignal p : provisional) {
                    fast.processElement1(p, p.atMs());
                    full.processElement1(p, p.atMs());
                }
                toConfirm.addAll(exact);
                // the exact path confirms in time order what the watermark has passed; some before the watermark
                // reaches this operator, some after
                long next = t - rnd.nextInt(10_000);
                if (next > watermark) {
                    toConfirm.sort(QueueEwtFunction.CANONICAL_ORDER);
                    List<QueueSignal> due = new ArrayList<>();
                    for (QueueSignal c : toConfirm) if (c.atMs() <= next) due.add(c);
                    toConfirm.removeAll(due);
                    int before = rnd.nextInt(due.size() + 1);
                    confirm(due.subList(0, before), fast, full);
                    watermark = next;
                    fast.processBothWatermarks(new Watermark(watermark));
                    full.processBothWatermarks(new Watermark(watermark));
                    confirm(due.subList(before, due.size()), fast, full);
                }
                assertThat(outputOf(fast)).as("step %d", step).isEqualTo(outputOf(full));
            }
            fast.processBothWatermarks(new Watermark(t + config.windowMs() + config.confirmWithinMs() + 1));
            full.processBothWatermarks(new Watermark(t + config.windowMs() + config.confirmWithinMs() + 1));
            assertThat(outputOf(fast)).isEqualTo(outputOf(full));
            assertThat(indexed.withdrawnCount()).isEqualTo(reference.withdrawnCount()).isPositive();
            assertThat(indexed.duplicateCount()).isEqualTo(reference.duplicateCount()).isPositive();
        }
    }

    private static void confirm(List<QueueSignal> waits,
            KeyedTwoInputStreamOperatorTestHarness<String, QueueSignal, QueueSignal, EwtSnapshot> fast,
            KeyedTwoInputStreamOperatorTestHarness<String, QueueSignal, QueueSignal, EwtSnapshot> full)
            throws Exception {
        for (QueueSignal c : waits) {
            fast.processElement2(c, c.atMs());
            full.processElement2(c, c.atMs());
        }
    }

    private static String other(String queue) {
        return QUEUES.get((QUEUES.indexOf(queue) + 1) % QUEUES.size());
    }

    static QueueSignal wait(String queue, String joinedEventId, long joinedAt, long waitMs) {
        return QueueSignal.queueWait(queue, "session-" + joinedEventId, joinedAt, joinedAt - waitMs, joinedEventId);
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, QueueSignal, QueueSignal, EwtSnapshot> harness(
            KeyedCoProcessFunction<String, QueueSignal, QueueSignal, EwtSnapshot> function) throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(new KeyedCoProcessOperator<>(function),
                QueueSignal::queueId, QueueSignal::queueId, Types.STRING);
        h.open();
        return h;
    }

    /** The snapshots (with their timestamps) and watermarks emitted since the last call. */
    private static List<Object> outputOf(
            KeyedTwoInputStreamOperatorTestHarness<String, QueueSignal, QueueSignal, EwtSnapshot> h) {
        List<Object> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            out.add(o instanceof StreamRecord<?> r ? List.of(r.getValue(), r.getTimestamp()) : o);
        }
        h.getOutput().clear();
        return out;
    }
}
