package io.chatkpi.jobs.kpi;

import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Maintains {@code kpi_rollup_coarse} from the {@code kpi_rollup} rows {@link KpiRollupFunction} writes, keyed by
 * {@link #dayKey}: the rows of one UTC day of one grain/queue/rep/kind/detail/flag. It keeps the latest row of each
 * of the day's 96 slots and writes the sums of the hours that changed and of the day: facts, values, sums added up,
 * the maximum of the rows' maxima (each exact), the histograms merged key by key, and as version the sum of the
 * rows' versions, so the row written after any of them changed has the higher version (ReplacingMergeTree).
 *
 * <p>Its input is what {@link KpiRollupFunction} writes, which a completed checkpoint already holds when the job
 * checkpoints: a row this operator saw before a failure comes again after the restore (or its state holds it), so
 * what it writes needs no checkpoint of its own. It writes at the next watermark (the bounded replay) or, when the job
 * checkpoints, on a processing-time poll ({@code writePollMs}), as {@link KpiRollupFunction} does, so that rows still
 * come out while the watermark stands still.
 *
 * <p>A day's state is dropped once the watermark passes its end + the horizon, when none of its slots takes changes
 * any longer. A row for such a day is dropped and counted in {@value #DROPPED_LATE_ROWS_METRIC} (rather than writing
 * the day from that row alone); {@code kpi_rollup_coarse_rebuild.sql} repairs it.
 */
public class KpiRollupCoarsening extends KeyedProcessFunction<String, RollupRow, CoarseRollupRow> {

    /**
     * With checkpoints, how long a changed day waits before its hours and day are written: kpi_rollup's rows of a
     * checkpoint arrive together when it completes, so one write covers them all.
     */
    public static final long DEFAULT_WRITE_DELAY_MS = 1_000;


    public static final String DROPPED_LATE_ROWS_METRIC = "droppedLateCoarseRollupRows";
    private static final long HOUR_MS = CoarseRollupRow.HOUR_SECONDS * 1000L;
    private static final long DAY_MS = CoarseRollupRow.DAY_SECONDS * 1000L;

    private final long horizonMs;
    private final boolean afterCheckpoints;
    private final long writePollMs;

    private transient MapState<Long, RollupRow> slotRows;
    private transient ValueState<DayState> dayState;
    private transient Counter droppedLateRows;

    /**
     * @param horizonMs        the horizon of {@link KpiRollupFunction}: how long after its slot's end a row changes
     * @param afterCheckpoints the job checkpoints: write on a processing-time poll; else at the next watermark
     * @param writePollMs      the poll's period
     */
    public KpiRollupCoarsening(long horizonMs, boolean afterCheckpoints, long writePollMs) {
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

    /** The horizon of {@link KpiRollupFunction#forSessions}: twice the session retention. */
    public static KpiRollupCoarsening forSessions(SessionKpiConfig config, boolean afterCheckpoints) {
        return new KpiRollupCoarsening(2 * config.retentionMs(), afterCheckpoints,
                DEFAULT_WRITE_DELAY_MS);
    }

    /** The row's UTC day and identity without the slot, as one String (see {@link RollupRowChange#rowKey}). */
    public static String dayKey(RollupRow row) {
        return RollupRowChange.rowKey(row.grain(), dayOf(row.slotMs()), row.flag(), row.queueId(), row.repId(),
                row.kind(), row.detail());
    }

    private static long dayOf(long ms) {
        return Math.floorDiv(ms, DAY_MS) * DAY_MS;
    }

    @Override
    public void open(OpenContext openContext) {
        var ctx = getRuntimeContext();
        slotRows = ctx.getMapState(new MapStateDescriptor<>("coarseRollupSlotRows", Types.LONG,
                TypeInformation.of(RollupRow.class)));
        dayState = ctx.getState(new ValueStateDescriptor<>("coarseRollupDay", TypeInformation.of(DayState.class)));
        droppedLateRows = ctx.getMetricGroup().counter(DROPPED_LATE_ROWS_METRIC);
    }

    @Override
    public void processElement(RollupRow row, Context ctx, Collector<CoarseRollupRow> out) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        long day = dayOf(row.slotMs());
        long dropAt = dropAt(day);
        if (watermark >= dropAt) {
            droppedLateRows.inc();
            return;
        }
        RollupRow before = slotRows.get(row.slotMs());
        // ReplacingMergeTree's rule for kpi_rollup: the highest version, the later of equal ones
        if (before != null && before.version() > row.version()) {
            return;
        }
        slotRows.put(row.slotMs(), row);
        DayState state = dayState.value();
        if (state == null) {
            state = new DayState();
            state.dayMs = day;
            ctx.timerService().registerEventTimeTimer(dropAt);
        }
        state.changedHours |= 1 << (int) ((row.slotMs() - day) / HOUR_MS);
        if (!state.writeTimer) {
            if (afterCheckpoints) {
                ctx.timerService().registerProcessingTimeTimer(
                        ctx.timerService().currentProcessingTime() + writePollMs);
            } else {
                ctx.timerService().registerEventTimeTimer(watermark == Long.MAX_VALUE ? watermark : watermark + 1);
            }
            state.writeTimer = true;
        }
        dayState.update(state);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CoarseRollupRow> out) throws Exception {
        DayState state = dayState.value();
        if (state == null) {
            return;
        }
        if (!afterCheckpoints || ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            state.writeTimer = false;
        }
        if (state.changedHours != 0) {
            write(state, out);
            state.changedHours = 0;
        }
        if (ctx.timerService().currentWatermark() >= dropAt(state.dayMs)) {
            dayState.clear();
            slotRows.clear();
        } else {
            dayState.update(state);
        }
    }

    private void write(DayState state, Collector<CoarseRollupRow> out) throws Exception {
        Sum day = new Sum(state.dayMs);
        Sum[] hours = new Sum[24];
        for (Map.Entry<Long, RollupRow> e : slotRows.entries()) {
            RollupRow r = e.getValue();
            int hour = (int) ((r.slotMs() - state.dayMs) / HOUR_MS);
            day.add(r);
            if ((state.changedHours & (1 << hour)) != 0) {
                if (hours[hour] == null) {
                    hours[hour] = new Sum(state.dayMs + hour * HOUR_MS);
                }
                hours[hour].add(r);
            }
        }
        for (Sum hour : hours) {
            if (hour != null) {
                out.collect(new CoarseRollupRow(CoarseRollupRow.HOUR_SECONDS, hour.row()));
            }
        }
        out.collect(new CoarseRollupRow(CoarseRollupRow.DAY_SECONDS, day.row()));
    }

    private long dropAt(long dayMs) {
        long end = dayMs + DAY_MS;
        long at = end + horizonMs;
        return at < end ? Long.MAX_VALUE : at;
    }

    /** The rows of one hour or day added up. */
    private static final class Sum {
        private final long slotMs;
        private RollupRow first;
        private long facts;
        private long valueCount;
        private long valueSumMs;
        private long valueMaxMs;
        private long version;
        private final TreeMap<Integer, Long> histogram = new TreeMap<>();

        Sum(long slotMs) {
            this.slotMs = slotMs;
        }

        void add(RollupRow r) {
            if (first == null) {
                first = r;
            }
            facts += r.facts();
            if (r.valueCount() > 0) {
                valueMaxMs = valueCount > 0 ? Math.max(valueMaxMs, r.valueMaxMs()) : r.valueMaxMs();
                valueCount += r.valueCount();
            }
            valueSumMs += r.valueSumMs();
            version += r.version();
            for (int i = 0; i < r.histKeys().length; i++) {
                histogram.merge(r.histKeys()[i], r.histCounts()[i], Long::sum);
            }
        }

        RollupRow row() {
            int[] keys = new int[histogram.size()];
            long[] counts = new long[histogram.size()];
            int i = 0;
            for (Map.Entry<Integer, Long> e : histogram.entrySet()) {
                keys[i] = e.getKey();
                counts[i++] = e.getValue();
            }
            return new RollupRow(first.grain(), slotMs, first.queueId(), first.repId(), first.kind(), first.detail(),
                    first.flag(), facts, valueCount, valueSumMs, valueMaxMs, keys, counts, version);
        }
    }

    /**
     * A day's state apart from its slot rows: the hours changed since last written (bit h = hour h) and whether a
     * write is pending. A Flink POJO.
     */
    public static class DayState {
        public long dayMs;
        public int changedHours;
        public boolean writeTimer;

        public DayState() {}
    }

    /** Rows dropped as too late by this instance. */
    public long droppedLateRowCount() {
        return droppedLateRows == null ? 0 : droppedLateRows.getCount();
    }
}
