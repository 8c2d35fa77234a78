package io.chatkpi.jobs.kpi;

import io.chatkpi.ingest.kpi.LogHistogram;
import java.util.Arrays;
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
 * {@link FactChangeRows} gives them and writes rows that changed.
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
 * holds it ({@code held}), so a row that changes all the time is still written once per checkpoint. Rows wait for
 * the checkpoint on a processing-time timer ({@code writePollMs}); kpi_rollup lags by up to a checkpoint interval.
 * Without checkpoints (the bounded replay), a row is written when the watermark next advances (an event-time timer
 * at watermark + 1), coalescing every change in between.
 *
 * <p>A row's state is dropped once the watermark passes its slot end + the horizon (twice the session retention, so
 * that every session able to change it is gone) and its content is written. A change for such a slot is dropped and
 * counted in {@value #DROPPED_LATE_CHANGES_METRIC}: kpi_facts still has the fact; {@code kpi_rollup_rebuild.sql}
 * repairs the slot. A retraction of a value the row does not hold (its addition was dropped, or the operator started
 * with facts already in kpi_facts) is ignored and counted in {@value #UNMATCHED_RETRACTIONS_METRIC}.
 */
public class KpiRollupFunction extends KeyedProcessFunction<String, RollupRowChange, RollupRow>
        implements CheckpointedFunction, CheckpointListener {

    public static final String DROPPED_LATE_CHANGES_METRIC = "droppedLateRollupChanges";
    public static final String UNMATCHED_RETRACTIONS_METRIC = "unmatchedRollupRetractions";
    public static final String WRITE_POLLS_METRIC = "rollupWritePolls";
    public static final long DEFAULT_WRITE_POLL_MS = 1_000;

    private final long horizonMs;
    private final boolean afterCheckpoints;
    private final long writePollMs;
    private final long checkpointIntervalMs;

    private transient ValueState<RollupState> rowState;
    private transient MapState<Integer, long[]> valuesByKey;
    private transient Counter droppedLateChanges;
    private transient Counter unmatchedRetractions;
    private transient Counter writePolls;
    /**
     * When this instance last took a snapshot, in processing time (Long.MIN_VALUE: not yet), read at the first call
     * after it ({@code snapshotTimeToRead}): snapshotState has no timer service.
     */
    private transient long lastSnapshotAtMs;
    private transient boolean snapshotTimeToRead;
    /** The last snapshot this instance took, and the last checkpoint it knows complete (0: none). */
    private transient long lastSnapshotId;
    private transient long lastCompletedId;

    /**
     * @param horizonMs        how long after its slot's end a row still takes changes
     * @param afterCheckpoints write only what a completed checkpoint holds (a checkpointing job); else write at the
     *                         next watermark
     * @param writePollMs      how often a row waiting for a checkpoint looks again
     */
    public KpiRollupFunction(long horizonMs, boolean afterCheckpoints, long writePollMs) {
        this(horizonMs, afterCheckpoints, writePollMs, 0);
    }

    /**
     * @param checkpointIntervalMs the job's checkpoint interval (0: unknown). A row that needs a checkpoint not yet
     *                             taken is first looked at one interval after the last snapshot instead of every
     *                             {@code writePollMs}: polling every row that waits for the next checkpoint each
     *                             second cost most of this operator's time on a backlog (up to 60 timers per row
     *                             and checkpoint).
     */
    public KpiRollupFunction(long horizonMs, boolean afterCheckpoints, long writePollMs, long checkpointIntervalMs) {
        if (checkpointIntervalMs < 0) {
            throw new IllegalArgumentException("checkpointIntervalMs must be >= 0: " + checkpointIntervalMs);
        }
        this.checkpointIntervalMs = checkpointIntervalMs;
        if (horizonMs < 0) {
            throw new IllegalArgumentException("horizonMs must be >= 0: " + horizonMs);
        }
        if (writePollMs < 1) {
            throw new IllegalArgumentException("writePollMs must be >= 1: " + writePollMs);
        }
        this.horizonMs = horizonMs;
        this.afterCheckpoints = afterCheckpoints;
        this.writePollMs = writePollMs;
    }

    /** The horizon for sessions kept {@code config.retentionMs()}: twice that. */
    public static KpiRollupFunction forSessions(SessionKpiConfig config, boolean afterCheckpoints) {
        return forSessions(config, afterCheckpoints, 0);
    }

    /** As {@link #forSessions(SessionKpiConfig, boolean)}, for a job checkpointing every {@code checkpointIntervalMs}. */
    public static KpiRollupFunction forSessions(SessionKpiConfig config, boolean afterCheckpoints,
            long checkpointIntervalMs) {
        return new KpiRollupFunction(2 * config.retentionMs(), afterCheckpoints, DEFAULT_WRITE_POLL_MS,
                checkpointIntervalMs);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        long restored = context.getRestoredCheckpointId().orElse(0L);
        lastSnapshotId = restored;
        lastCompletedId = restored;
        lastSnapshotAtMs = Long.MIN_VALUE;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        lastSnapshotId = context.getCheckpointId();
        snapshotTimeToRead = true;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        lastCompletedId = Math.max(lastCompletedId, checkpointId);
    }

    @Override
    public void open(OpenContext openContext) {
        var ctx = getRuntimeContext();
        rowState = ctx.getState(new ValueStateDescriptor<>("rollupRow", TypeInformation.of(RollupState.class)));
        valuesByKey = ctx.getMapState(new MapStateDescriptor<>("rollupValuesByHistogramKey", Types.INT,
                TypeInformation.of(long[].class)));
        droppedLateChanges = ctx.getMetricGroup().counter(DROPPED_LATE_CHANGES_METRIC);
        unmatchedRetractions = ctx.getMetricGroup().counter(UNMATCHED_RETRACTIONS_METRIC);
        writePolls = ctx.getMetricGroup().counter(WRITE_POLLS_METRIC);
    }

    @Override
    public void processElement(RollupRowChange change, Context ctx, Collector<RollupRow> out) throws Exception {
        noteSnapshotTime(ctx.timerService().currentProcessingTime());
        long watermark = ctx.timerService().currentWatermark();
        long dropAt = dropAt(change.slotMs());
        if (watermark >= dropAt) {
            droppedLateChanges.inc();
            return;
        }
        RollupState row = rowState.value();
        if (row == null) {
            row = RollupState.of(change);
            ctx.timerService().registerEventTimeTimer(dropAt);
        }
        if (afterCheckpoints && row.dirty && row.lastChangeSnapshot < lastSnapshotId) {
            // unchanged since snapshot lastSnapshotId took it: write this once that checkpoint completes
            row.held = row.toRow();
            row.heldCheckpoint = lastSnapshotId;
        }
        if (change.sign() > 0) {
            add(row, change.valueMs());
        } else if (!subtract(row, change.valueMs())) {
            unmatchedRetractions.inc();
            rowState.update(row);
            return;
        }
        row.changes++;
        row.dirty = true;
        row.lastChangeSnapshot = lastSnapshotId;
        if (!row.writeTimer) {
            if (afterCheckpoints) {
                ctx.timerService().registerProcessingTimeTimer(nextPoll(row, ctx.timerService().currentProcessingTime()));
            } else {
                ctx.timerService().registerEventTimeTimer(watermark == Long.MAX_VALUE ? watermark : watermark + 1);
            }
            row.writeTimer = true;
        }
        rowState.update(row);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RollupRow> out) throws Exception {
        RollupState row = rowState.value();
        if (row == null) {
            return;
        }
        if (afterCheckpoints) {
            long now = ctx.timerService().currentProcessingTime();
            noteSnapshotTime(now);
            if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
                row.writeTimer = false;
                writePolls.inc();
            }
            if (row.dirty && lastCompletedId > row.lastChangeSnapshot) {
                out.collect(row.toRow());
                row.dirty = false;
                row.held = null;
            } else if (row.held != null && lastCompletedId >= row.heldCheckpoint) {
                out.collect(row.held);
                row.held = null;
            }
            if ((row.dirty || row.held != null) && !row.writeTimer) {
                ctx.timerService().registerProcessingTimeTimer(nextPoll(row, now));
                row.writeTimer = true;
            }
        } else {
            if (row.dirty) {
                out.collect(row.toRow());
                row.dirty = false;
            }
            row.writeTimer = false;
        }
        if (ctx.timerService().currentWatermark() >= dropAt(row.slotMs) && !row.dirty && row.held == null) {
            rowState.clear();
            valuesByKey.clear();
        } else {
            rowState.update(row);
        }
    }

    private void noteSnapshotTime(long now) {
        if (snapshotTimeToRead) {
            lastSnapshotAtMs = now;
            snapshotTimeToRead = false;
        }
    }

    /**
     * When to look at a row waiting to be written: a poll period from now when the checkpoint it waits for was
     * taken (only its completion is awaited) or the interval is unknown; else not before that checkpoint is due,
     * one interval after the last snapshot (later if it is late: then every poll period).
     */
    private long nextPoll(RollupState row, long now) {
        long waitsFor = row.held != null ? row.heldCheckpoint : row.lastChangeSnapshot + 1;
        if (checkpointIntervalMs == 0 || waitsFor <= lastSnapshotId || lastSnapshotAtMs == Long.MIN_VALUE) {
            return now + writePollMs;
        }
        return Math.max(now, lastSnapshotAtMs + checkpointIntervalMs) + writePollMs;
    }

    private long dropAt(long slotMs) {
        long end = slotMs + RollupRowChange.SLOT_MS;
        long at = end + horizonMs;
        return at < end ? Long.MAX_VALUE : at;
    }

    private void add(RollupState row, Long valueMs) throws Exception {
        row.facts++;
        if (valueMs == null) {
            return;
        }
        long v = valueMs;
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

        static RollupState of(RollupRowChange change) {
            RollupState s = new RollupState();
            s.grain = change.grain();
            s.slotMs = change.slotMs();
            s.queueId = change.queueId();
            s.repId = change.repId();
            s.kind = change.kind();
            s.detail = change.detail();
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

    /** Processing-time looks at rows waiting to be written, by this instance. */
    public long writePollCount() {
        return writePolls == null ? 0 : writePolls.getCount();
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
