package io.chatkpi.jobs.kpi;

import io.chatkpi.ingest.kpi.LogHistogram;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Maintains {@code kpi_rollup}, keyed by the row ({@link RollupRowChange#rowKey}): adds and subtracts facts as
 * {@link FactChangeRows} gives them, combined per row by {@link RollupRowCombiner}, and writes rows that changed.
 *
 * <p>Per row it keeps the counts, the sum, the histogram and the exact maximum of the current values, and the
 * values themselves grouped by histogram key (a {@code long[]} per key), because an exact maximum after the maximum
 * is retracted needs the next one. Rows of kinds without values keep a few numbers.
 *
 * <p>The version written is the number of changes applied to the row; ReplacingMergeTree keeps the highest. Rows
 * that fell to {@code facts = 0} are written too (so FINAL shows them emptied).
 *
 * <p>When the job checkpoints ({@code afterCheckpoints}), a row is written only with content that a completed
 * checkpoint holds: after a failure, the session operator is restored with the same checkpoint and replays its
 * events, but it may batch them differently and so emit other intermediate facts (a STARTED without its queue,
 * then with it) to other rows. A row written with content newer than the checkpoint could then never be corrected
 * (no replayed change reaches it) or be corrected with a lower version. Written only from checkpointed content,
 * every row written has at most the version the restored state has for it, and a restored row whose content was
 * not written yet is still marked to be written. The first change after a snapshot keeps the row as that snapshot
 * holds it ({@code held}), so a row that changes all the time is still written once per checkpoint. Waiting rows are
 * written when a checkpoint completes ({@link KpiRollupOperator}, which runs this function, calls
 * {@link #writeCheckpointed}); kpi_rollup lags by up to a checkpoint interval plus the checkpoint's duration.
 * Without checkpoints (the bounded replay), a row is written when the watermark next advances (an event-time timer
 * at watermark + 1), coalescing every change in between.
 *
 * <p>A row's state is dropped once the watermark passes its slot end + the horizon (twice the session retention, so
 * that every session able to change it is gone) and its content is written. A change for such a slot is dropped and
 * counted in {@value #DROPPED_LATE_CHANGES_METRIC}: kpi_facts still has the fact; {@code kpi_rollup_rebuild.sql}
 * repairs the slot. A retraction of a value the row does not hold (its addition was dropped, or the operator started
 * with facts already in kpi_facts) is ignored and counted in {@value #UNMATCHED_RETRACTIONS_METRIC}.
 */
public class KpiRollupFunction extends KeyedProcessFunction<String, RollupRowDelta, RollupRow>
        implements CheckpointedFunction, CheckpointListener {

    public static final String DROPPED_LATE_CHANGES_METRIC = "droppedLateRollupChanges";
    public static final String UNMATCHED_RETRACTIONS_METRIC = "unmatchedRollupRetractions";

    private final long horizonMs;
    private final boolean afterCheckpoints;

    private transient ValueState<RollupState> rowState;
    private transient MapState<Integer, long[]> valuesByKey;
    private transient Counter droppedLateChanges;
    private transient Counter unmatchedRetractions;
    /**
     * With checkpoints: the rows (keys) holding content not written yet, written by {@link #writeCheckpointed} when
     * a checkpoint completes. Not state: after a restore {@link KpiRollupOperator} finds them in the rows' state.
     * (A processing-time timer per waiting row, polling every second, cost most of this operator's time on a
     * backlog: a row changed after a snapshot waits up to a checkpoint interval, 60 polls.)
     */
    private transient Set<String> awaitingWrite;
    /**
     * A new row's queueId, repId, kind and detail, one instance per value: each delta comes decoded from the network
     * with its own copies, and a row stays in the heap state for the horizon.
     */
    private transient StringPool identityValues;
    /** The highest watermark seen in a call that had one, for dropping rows written at a checkpoint's completion. */
    private transient long lastWatermark;
    /** The last snapshot this instance took, and the last checkpoint it knows complete (0: none). */
    private transient long lastSnapshotId;
    private transient long lastCompletedId;

    /**
     * @param horizonMs        how long after its slot's end a row still takes changes
     * @param afterCheckpoints write only what a completed checkpoint holds (a checkpointing job); else write at the
     *                         next watermark
     */
    public KpiRollupFunction(long horizonMs, boolean afterCheckpoints) {
        if (horizonMs < 0) {
            throw new IllegalArgumentException("horizonMs must be >= 0: " + horizonMs);
        }
        this.horizonMs = horizonMs;
        this.afterCheckpoints = afterCheckpoints;
    }

    /** The horizon for sessions kept {@code config.retentionMs()}: twice that. */
    public static KpiRollupFunction forSessions(SessionKpiConfig config, boolean afterCheckpoints) {
        return new KpiRollupFunction(2 * config.retentionMs(), afterCheckpoints);
    }

    /** The state of a row apart from its values; {@link KpiRollupOperator} reads it for every row at a restore. */
    static ValueStateDescriptor<RollupState> rowStateDescriptor() {
        return new ValueStateDescriptor<>("rollupRow", TypeInformation.of(RollupState.class));
    }

    boolean writesAfterCheckpoints() {
        return afterCheckpoints;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        long restored = context.getRestoredCheckpointId().orElse(0L);
        lastSnapshotId = restored;
        lastCompletedId = restored;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        lastSnapshotId = context.getCheckpointId();
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        lastCompletedId = Math.max(lastCompletedId, checkpointId);
    }

    @Override
    public void open(OpenContext openContext) {
        var ctx = getRuntimeContext();
        rowState = ctx.getState(rowStateDescriptor());
        awaitingWrite = new LinkedHashSet<>();
        identityValues = new StringPool();
        lastWatermark = Long.MIN_VALUE;
        valuesByKey = ctx.getMapState(new MapStateDescriptor<>("rollupValuesByHistogramKey", Types.INT,
                TypeInformation.of(long[].class)));
        droppedLateChanges = ctx.getMetricGroup().counter(DROPPED_LATE_CHANGES_METRIC);
        unmatchedRetractions = ctx.getMetricGroup().counter(UNMATCHED_RETRACTIONS_METRIC);
    }

    @Override
    public void processElement(RollupRowDelta delta, Context ctx, Collector<RollupRow> out) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        lastWatermark = Math.max(lastWatermark, watermark);
        long dropAt = dropAt(delta.slotMs());
        if (watermark >= dropAt) {
            droppedLateChanges.inc(delta.changes());
            return;
        }
        RollupState row = rowState.value();
        if (row == null) {
            row = RollupState.of(delta, identityValues);
            ctx.timerService().registerEventTimeTimer(dropAt);
        }
        if (afterCheckpoints && row.dirty && row.lastChangeSnapshot < lastSnapshotId) {
            // unchanged since snapshot lastSnapshotId took it: write this once that checkpoint completes
            row.held = row.toRow();
            row.heldCheckpoint = lastSnapshotId;
        }
        int applied = delta.factsAdded() + delta.valuesAdded().length;
        row.facts += delta.factsAdded();
        for (long v : delta.valuesAdded()) {
            add(row, v);
        }
        for (int i = 0; i < delta.factsSubtracted(); i++) {
            if (subtract(row, null)) {
                applied++;
            } else {
                unmatchedRetractions.inc();
            }
        }
        for (long v : delta.valuesSubtracted()) {
            if (subtract(row, v)) {
                applied++;
            } else {
                unmatchedRetractions.inc();
            }
        }
        if (applied == 0) {
            rowState.update(row);
            return;
        }
        row.changes += applied;
        row.dirty = true;
        row.lastChangeSnapshot = lastSnapshotId;
        if (afterCheckpoints) {
            awaitingWrite.add(ctx.getCurrentKey());
        } else if (!row.writeTimer) {
            ctx.timerService().registerEventTimeTimer(watermark == Long.MAX_VALUE ? watermark : watermark + 1);
            row.writeTimer = true;
        }
        rowState.update(row);
    }

    /** A row whose state holds content not written yet (found by {@link KpiRollupOperator} after a restore). */
    void awaitWrite(String rowKey) {
        awaitingWrite.add(rowKey);
    }

    static boolean hasUnwrittenContent(RollupState row) {
        return row != null && (row.dirty || row.held != null);
    }

    /**
     * With checkpoints, at a checkpoint's completion: writes what completed checkpoints hold of every row waiting,
     * {@code switchKey} making each row's key the current one. A row changed since stays waiting.
     */
    void writeCheckpointed(Consumer<String> switchKey, Collector<RollupRow> out) throws Exception {
        Iterator<String> rows = awaitingWrite.iterator();
        while (rows.hasNext()) {
            String key = rows.next();
            switchKey.accept(key);
            RollupState row = rowState.value();
            if (row == null) {
                rows.remove();
                continue;
            }
            writeWhatIsCheckpointed(row, out);
            if (hasUnwrittenContent(row)) {
                rowState.update(row);
            } else {
                rows.remove();
                if (lastWatermark >= dropAt(row.slotMs)) {
                    rowState.clear();
                    valuesByKey.clear();
                } else {
                    rowState.update(row);
                }
            }
        }
    }

    /** Writes the row as the newest completed checkpoint holds it, if that is newer than what was written. */
    private void writeWhatIsCheckpointed(RollupState row, Collector<RollupRow> out) {
        if (row.dirty && lastCompletedId > row.lastChangeSnapshot) {
            out.collect(row.toRow());
            row.dirty = false;
            row.held = null;
        } else if (row.held != null && lastCompletedId >= row.heldCheckpoint) {
            out.collect(row.held);
            row.held = null;
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RollupRow> out) throws Exception {
        RollupState row = rowState.value();
        if (row == null) {
            return;
        }
        long watermark = ctx.timerService().currentWatermark();
        lastWatermark = Math.max(lastWatermark, watermark);
        if (afterCheckpoints) {
            if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
                // a poll timer of a savepoint taken by an earlier version, which polled each waiting row
                row.writeTimer = false;
                writeWhatIsCheckpointed(row, out);
            }
            if (hasUnwrittenContent(row)) {
                awaitingWrite.add(ctx.getCurrentKey());
            }
        } else {
            if (row.dirty) {
                out.collect(row.toRow());
                row.dirty = false;
            }
            row.writeTimer = false;
        }
        if (watermark >= dropAt(row.slotMs) && !hasUnwrittenContent(row)) {
            rowState.clear();
            valuesByKey.clear();
        } else {
            rowState.update(row);
        }
    }

    private long dropAt(long slotMs) {
        long end = slotMs + RollupRowChange.SLOT_MS;
        long at = end + horizonMs;
        return at < end ? Long.MAX_VALUE : at;
    }

    private void add(RollupState row, long v) throws Exception {
        row.facts++;
        int key = LogHistogram.key(v);
        long[] values = valuesByKey.get(key);
        long[] grown = values == null ? new long[1] : Arrays.copyOf(values, values.length + 1);
        grown[grown.length - 1] = v;
        valuesByKey.put(key, grown);
        row.count(key, 1);
        row.valueMax = row.valueCount == 0 ? v : Math.max(row.valueMax, v);
        row.valueCount++;
        row.valueSum += v;
    }

    /** False when the row holds no such fact (nothing changed). */
    private boolean subtract(RollupState row, Long valueMs) throws Exception {
        if (row.facts <= 0) {
            return false;
        }
        if (valueMs == null) {
            row.facts--;
            return true;
        }
        long v = valueMs;
        int key = LogHistogram.key(v);
        long[] values = valuesByKey.get(key);
        int at = values == null ? -1 : indexOf(values, v);
        if (at < 0) {
            return false;
        }
        if (values.length == 1) {
            valuesByKey.remove(key);
        } else {
            long[] shrunk = Arrays.copyOf(values, values.length - 1);
            if (at < shrunk.length) {
                shrunk[at] = values[values.length - 1];
            }
            valuesByKey.put(key, shrunk);
        }
        row.count(key, -1);
        row.facts--;
        row.valueCount--;
        row.valueSum -= v;
        if (row.valueCount == 0) {
            row.valueMax = 0;
        } else if (v == row.valueMax) {
            // the maximum is in the highest key still counted: only that key's values are read
            long[] top = valuesByKey.get(row.histKeys[row.histKeys.length - 1]);
            long max = Long.MIN_VALUE;
            for (long x : top) {
                max = Math.max(max, x);
            }
            row.valueMax = max;
        }
        return true;
    }

    private static int indexOf(long[] values, long v) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == v) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A row's state apart from its values: identity, aggregates, histogram (keys ascending, counts > 0), the changes
     * applied and whether a write is pending. A Flink POJO (public fields, no-argument constructor).
     */
    public static class RollupState {
        public int grain;
        public long slotMs;
        public String queueId;
        public String repId;
        public String kind;
        public String detail;
        public boolean flag;
        public long facts;
        public long valueCount;
        public long valueSum;
        public long valueMax;
        public int[] histKeys = new int[0];
        public long[] histCounts = new long[0];
        public long changes;
        /** Changed since last written; the last snapshot taken before the last change. */
        public boolean dirty;
        public long lastChangeSnapshot;
        /** The row as snapshot heldCheckpoint holds it, to write once that completes (null: none). */
        public RollupRow held;
        public long heldCheckpoint;
        public boolean writeTimer;

        public RollupState() {}

        static RollupState of(RollupRowDelta change, StringPool values) {
            RollupState s = new RollupState();
            s.grain = change.grain();
            s.slotMs = change.slotMs();
            s.queueId = values.canonical(change.queueId());
            s.repId = values.canonical(change.repId());
            s.kind = values.canonical(change.kind());
            s.detail = values.canonical(change.detail());
            s.flag = change.flag();
            return s;
        }

        void count(int key, int delta) {
            int i = Arrays.binarySearch(histKeys, key);
            if (i >= 0) {
                histCounts[i] += delta;
                if (histCounts[i] == 0) {
                    histKeys = remove(histKeys, i);
                    histCounts = remove(histCounts, i);
                }
            } else {
                int at = -i - 1;
                int[] keys = new int[histKeys.length + 1];
                long[] counts = new long[histCounts.length + 1];
                System.arraycopy(histKeys, 0, keys, 0, at);
                System.arraycopy(histCounts, 0, counts, 0, at);
                keys[at] = key;
                counts[at] = delta;
                System.arraycopy(histKeys, at, keys, at + 1, histKeys.length - at);
                System.arraycopy(histCounts, at, counts, at + 1, histCounts.length - at);
                histKeys = keys;
                histCounts = counts;
            }
        }

        RollupRow toRow() {
            return new RollupRow(grain, slotMs, queueId, repId, kind, detail, flag, facts, valueCount, valueSum,
                    valueCount == 0 ? 0 : valueMax, histKeys.clone(), histCounts.clone(), changes);
        }

        private static int[] remove(int[] a, int i) {
            int[] out = new int[a.length - 1];
            System.arraycopy(a, 0, out, 0, i);
            System.arraycopy(a, i + 1, out, i, a.length - i - 1);
            return out;
        }

        private static long[] remove(long[] a, int i) {
            long[] out = new long[a.length - 1];
            System.arraycopy(a, 0, out, 0, i);
            System.arraycopy(a, i + 1, out, i, a.length - i - 1);
            return out;
        }
    }

    /** Rows waiting for a checkpoint to complete to be written, at this instance. */
    public int rowsAwaitingWrite() {
        return awaitingWrite == null ? 0 : awaitingWrite.size();
    }

    /** Row changes dropped as too late by this instance. */
    public long droppedLateChangeCount() {
        return droppedLateChanges == null ? 0 : droppedLateChanges.getCount();
    }

    /** Retractions of values the row did not hold, by this instance. */
    public long unmatchedRetractionCount() {
        return unmatchedRetractions == null ? 0 : unmatchedRetractions.getCount();
    }
}
