package io.chatkpi.jobs.kpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.apache.flink.types.PojoTestUtils.assertSerializedAsPojoWithoutKryo;

import io.chatkpi.ingest.event.SessionEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/**
 * The session operator keeps one {@link SessionState} per session; earlier versions kept one Flink state per field.
 * A snapshot taken by the earlier version ({@link LegacySessionKpiFunction}) in the middle of traffic (sessions with
 * applied and pending events, flush and cleanup timers registered) restores into the current operator, which then
 * emits exactly what the earlier version would have emitted for the rest of the traffic. A snapshot of the current
 * operator restores into it the same way.
 */
class SessionStateUpgradeTest {

    private static final SessionKpiConfig CONFIG = SessionKpiConfig.defaults();

    @Test
    void sessionStateIsAPojo() {
        assertSerializedAsPojoWithoutKryo(SessionState.class);
    }

    @Test
    void aSnapshotOfTheEarlierVersionRestoresIntoTheCurrentOperator() throws Exception {
        checkRestore(new LegacySessionKpiFunction(CONFIG));
    }

    @Test
    void aSnapshotOfTheCurrentOperatorRestoresIntoIt() throws Exception {
        checkRestore(new SessionKpiFunction(CONFIG));
    }

    /**
     * A snapshot taken by the operator while {@link SessionState} still had {@code seenEventIds} (every eventId seen,
     * now derived from the stored events) restores, and redeliveries of events seen before the snapshot are still
     * dropped as duplicates. The file was written by {@link #main} in the commit that added it, whose SessionState
     * still had the field.
     */
    @Test
    void aSnapshotOfTheLayoutWithSeenEventIdsRestoresAndStillDropsRedeliveries() throws Exception {
        OperatorSubtaskState written = OperatorSnapshotUtil.readStateHandle(
                Path.of(SessionStateUpgradeTest.class.getResource(SEEN_EVENT_IDS_SNAPSHOT).toURI()).toString());
        checkRestore(new SessionKpiFunction(CONFIG), written);
    }

    /** The snapshot of {@link #aSnapshotOfTheLayoutWithSeenEventIdsRestoresAndStillDropsRedeliveries}. */
    static final String SEEN_EVENT_IDS_SNAPSHOT = "session-state-with-seen-event-ids.snapshot";

    /** Writes the current operator's snapshot half way through the test traffic to {@code args[0]}. */
    public static void main(String[] args) throws Exception {
        Traffic t = traffic();
        try (var h = harness(new SessionKpiFunction(CONFIG), null)) {
            feed(h, t.arrivals(), t.order().subList(0, t.half()), t.bound(), Long.MIN_VALUE);
            OperatorSnapshotUtil.writeStateHandle(h.snapshot(1, 1), args[0]);
        }
    }

    /**
     * Test traffic: 60 sessions, one event in ten delivered twice, in arrival order ({@code order}); the first
     * {@code half} arrivals come before the snapshot. After the rest, every fifth event of the first half is
     * delivered again (a redelivery of what the snapshot has seen).
     */
    private record Traffic(List<SessionEvent> arrivals, List<Integer> order, int half, long bound) {}

    private static Traffic traffic() {
        long bound = 5_000;
        Random rnd = new Random(3);
        List<SessionEvent> arrivals = new ArrayList<>();
        List<Long> arrivalTimes = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            long offset = rnd.nextInt(120_000);
            for (SessionEvent e : new SessionEventFixtures("u" + i).random(rnd)) {
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
        int half = order.size() / 2;
        for (int i = 0; i < half; i += 5) {
            order.add(order.get(i));
        }
        return new Traffic(arrivals, order, half, bound);
    }

    private static void checkRestore(KeyedProcessFunction<String, SessionEvent, SessionRow> before) throws Exception {
        checkRestore(before, null);
    }

    /**
     * {@code before} over all the traffic, snapshotted half way, against the current operator restored from that
     * snapshot ({@code written}, when given, instead) over the second half: the same outputs, the same duplicates.
     */
    private static void checkRestore(KeyedProcessFunction<String, SessionEvent, SessionRow> before,
            OperatorSubtaskState written) throws Exception {
        Traffic t = traffic();
        List<SessionEvent> arrivals = t.arrivals();
        List<Integer> order = t.order();
        int half = t.half();
        long bound = t.bound();

        // the earlier operator over all the traffic, snapshotted half way
        OperatorSubtaskState snapshot;
        List<List<Object>> expected;
        long expectedDuplicates;
        try (var earlier = harness(before, null)) {
            long maxTs = feed(earlier, arrivals, order.subList(0, half), bound, Long.MIN_VALUE);
            snapshot = written != null ? written : earlier.snapshot(1, 1);
            long duplicatesBefore = duplicates(before);
            clear(earlier);
            maxTs = feed(earlier, arrivals, order.subList(half, order.size()), bound, maxTs);
            earlier.processWatermark(maxTs + 60_000);
            expected = outputs(earlier);
            expectedDuplicates = duplicates(before) - duplicatesBefore;
        }
        // the current operator restored from that snapshot, over the second half
        SessionKpiFunction current = new SessionKpiFunction(CONFIG);
        try (var restored = harness(current, snapshot)) {
            long maxTs = Long.MIN_VALUE;
            for (int i : order.subList(0, half)) {
                maxTs = Math.max(maxTs, arrivals.get(i).ts());
            }
            // after a restart the source emits again the watermark it had reached (a restored operator starts
            // without one)
            restored.processWatermark(maxTs - bound - 1);
            maxTs = feed(restored, arrivals, order.subList(half, order.size()), bound, maxTs);
            restored.processWatermark(maxTs + 60_000);
            List<List<Object>> actual = outputs(restored);
            assertThat(actual.get(1)).as("facts after the restore").isNotEmpty();
            assertThat(actual).isEqualTo(expected);
            // at least the redeliveries of events from before the snapshot
            assertThat(expectedDuplicates).isGreaterThanOrEqualTo((half + 4) / 5);
            assertThat(current.duplicateEventCount()).as("duplicates after the restore").isEqualTo(expectedDuplicates);
        }
    }

    private static long duplicates(KeyedProcessFunction<String, SessionEvent, SessionRow> function) {
        return function instanceof SessionKpiFunction f ? f.duplicateEventCount()
                : ((LegacySessionKpiFunction) function).duplicateEventCount();
    }

    private static long feed(KeyedOneInputStreamOperatorTestHarness<String, SessionEvent, SessionRow> h,
            List<SessionEvent> arrivals, List<Integer> order, long bound, long maxTs) throws Exception {
        for (int i : order) {
            SessionEvent e = arrivals.get(i);
            h.processElement(e, e.ts());
            maxTs = Math.max(maxTs, e.ts());
            h.processWatermark(maxTs - bound - 1);
        }
        return maxTs;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, SessionEvent, SessionRow> harness(
            KeyedProcessFunction<String, SessionEvent, SessionRow> function, OperatorSubtaskState restoreFrom)
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(function), SessionEvent::sessionId, Types.STRING);
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        return h;
    }

    private static void clear(KeyedOneInputStreamOperatorTestHarness<String, SessionEvent, SessionRow> h) {
        h.getOutput().clear();
        for (OutputTag<?> tag : tags()) {
            var side = h.getSideOutput(tag);
            if (side != null) {
                side.clear();
            }
        }
    }

    /** Rows, facts, queue signals and provisional queue waits, in emission order. */
    private static List<List<Object>> outputs(KeyedOneInputStreamOperatorTestHarness<String, SessionEvent, SessionRow> h) {
        List<List<Object>> out = new ArrayList<>();
        out.add(new ArrayList<>(h.extractOutputValues()));
        for (OutputTag<?> tag : tags()) {
            List<Object> values = new ArrayList<>();
            var side = h.getSideOutput(tag);
            if (side != null) {
                for (StreamRecord<?> r : side) {
                    values.add(r.getValue());
                }
            }
            out.add(values);
        }
        return out;
    }

    private static List<OutputTag<?>> tags() {
        return List.of(SessionKpiFunction.FACTS, SessionKpiFunction.QUEUE_SIGNALS, SessionKpiFunction.LIVE_QUEUE_WAITS);
    }
}
