package io.chatkpi.jobs.kpi;

import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.Collector;

/**
 * Runs {@link KpiRollupFunction} and, when a checkpoint completes, lets it write the rows that checkpoint makes
 * writable: a function has no key context outside its calls, so the operator switches to each waiting row's key.
 * Emitting at a checkpoint's completion is what Flink's own committer operator does; the rows go to the sink like
 * any other. After a restore it finds the rows whose content was not written yet in their state (the set of waiting
 * rows is not state: it is derived from the rows), which the next completed checkpoint then writes.
 *
 * <p>A subclass of {@link KeyedProcessOperator}, so its state (the rows, the values, the timers) is the same as when
 * the function ran in a plain one, and savepoints taken by either restore in the other.
 */
public final class KpiRollupOperator extends KeyedProcessOperator<String, RollupRowDelta, RollupRow> {

    private static final long serialVersionUID = 1L;

    private final KpiRollupFunction rollup;
    private transient Collector<RollupRow> writer;

    public KpiRollupOperator(KpiRollupFunction rollup) {
        super(rollup);
        this.rollup = rollup;
    }

    @Override
    public void open() throws Exception {
        super.open();
        writer = new Collector<>() {
            private final StreamRecord<RollupRow> reuse = new StreamRecord<>(null);

            @Override
            public void collect(RollupRow row) {
                output.collect(reuse.replace(row));
            }

            @Override
            public void close() {}
        };
        if (rollup.writesAfterCheckpoints()) {
            KeyedStateBackend<String> rows = getKeyedStateBackend();
            rows.applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                    KpiRollupFunction.rowStateDescriptor(), (key, row) -> {
                        if (KpiRollupFunction.hasUnwrittenContent(row.value())) {
                            rollup.awaitWrite(key);
                        }
                    });
        }
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId); // the function learns the checkpoint is complete first
        if (rollup.writesAfterCheckpoints()) {
            rollup.writeCheckpointed(this::setCurrentKey, writer);
        }
    }
}
