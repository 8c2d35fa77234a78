package io.chatkpi.jobs.kpi;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.Collector;

/**
 * Turns fact changes into {@code kpi_rollup} row changes ({@link FactChangeRows}) and sends them on combined per row
 * ({@link RollupRowDelta}), before the shuffle to {@link KpiRollupFunction}: every fact touches three rows, and the
 * rows of all queues (grain 0) and of each queue (grain 1) are touched by every session in their 15 minutes, so on a
 * backlog one record per row and batch replaces thousands (the rollup operator was a fifth of the job's time, most of
 * it per record: the shuffle, the key, the state lookups).
 *
 * <p>Nothing is held across what orders the rollup: a batch is sent before every watermark (so the rollup sees each
 * change before the watermark that may drop its row or write it), before every checkpoint barrier (so a checkpoint
 * never misses a change that its source offsets say was processed; this operator keeps no state), at the end of the
 * input, and when it reaches {@code maxRows} rows.
 */
public final class RollupRowCombiner extends AbstractStreamOperator<RollupRowDelta>
        implements OneInputStreamOperator<FactChange, RollupRowDelta> {

    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_MAX_ROWS = 10_000;

    private final int maxRows;
    private transient Map<RollupRowChange.RowId, Run> rows;
    private transient FactChangeRows toRowChanges;
    private transient Collector<RollupRowChange> combine;

    public RollupRowCombiner() {
        this(DEFAULT_MAX_ROWS);
    }

    public RollupRowCombiner(int maxRows) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be >= 1: " + maxRows);
        }
        this.maxRows = maxRows;
    }

    @Override
    public void open() throws Exception {
        super.open();
        rows = new LinkedHashMap<>();
        toRowChanges = new FactChangeRows();
        combine = new Collector<>() {
            @Override
            public void collect(RollupRowChange change) {
                rows.computeIfAbsent(change.rowId(), id -> new Run(change)).add(change);
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public void processElement(StreamRecord<FactChange> element) throws Exception {
        toRowChanges.flatMap(element.getValue(), combine);
        if (rows.size() >= maxRows) {
            send();
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        send();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        send();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        send();
        super.finish();
    }

    private void send() {
        if (rows.isEmpty()) {
            return;
        }
        StreamRecord<RollupRowDelta> record = new StreamRecord<>(null);
        for (Run run : rows.values()) {
            output.collect(record.replace(run.delta()));
        }
        rows.clear();
    }

    /** The changes of one row so far in this batch. */
    private static final class Run {
        private final RollupRowChange first;
        private int factsAdded;
        private int factsSubtracted;
        private long[] added = new long[0];
        private int addedCount;
        private long[] subtracted = new long[0];
        private int subtractedCount;

        Run(RollupRowChange first) {
            this.first = first;
        }

        void add(RollupRowChange c) {
            boolean adds = c.sign() > 0;
            if (c.valueMs() == null) {
                if (adds) {
                    factsAdded++;
                } else {
                    factsSubtracted++;
                }
            } else if (adds) {
                if (addedCount == added.length) {
                    added = Arrays.copyOf(added, Math.max(4, added.length * 2));
                }
                added[addedCount++] = c.valueMs();
            } else {
                if (subtractedCount == subtracted.length) {
                    subtracted = Arrays.copyOf(subtracted, Math.max(4, subtracted.length * 2));
                }
                subtracted[subtractedCount++] = c.valueMs();
            }
        }

        RollupRowDelta delta() {
            return new RollupRowDelta(first.grain(), first.slotMs(), first.queueId(), first.repId(), first.kind(),
                    first.detail(), first.flag(), factsAdded, factsSubtracted, Arrays.copyOf(added, addedCount),
                    Arrays.copyOf(subtracted, subtractedCount));
        }
    }
}
