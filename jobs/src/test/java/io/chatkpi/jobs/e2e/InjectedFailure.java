package io.chatkpi.jobs.e2e;

import java.io.Serializable;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * A pass-through map that makes its task fail once: the first time any of its subtasks meets the chosen record,
 * in the first attempt only. It also tells the test how many records went through and which checkpoint the
 * restarted tasks were restored from. Its state lives in a static registry by name, because the restart
 * re-creates the function from the job graph while the test (same JVM as the MiniCluster) must see one history.
 */
final class InjectedFailure<T> extends RichMapFunction<T, T> implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    /** Which records trigger the failure. */
    @FunctionalInterface
    interface Trigger<T> extends Serializable {
        boolean test(T record);
    }

    /** What one injector saw, across attempts. */
    static final class History {
        final AtomicBoolean failed = new AtomicBoolean();
        final AtomicLong records = new AtomicLong();
        final Set<Long> restoredFromCheckpoints = ConcurrentHashMap.newKeySet();
    }

    private static final Map<String, History> HISTORIES = new ConcurrentHashMap<>();

    private final String name;
    private final Trigger<T> trigger;

    private InjectedFailure(String name, Trigger<T> trigger) {
        this.name = name;
        this.trigger = trigger;
    }

    /** A fresh injector (its history starts empty). */
    static <T> InjectedFailure<T> once(String name, Trigger<T> trigger) {
        HISTORIES.put(name, new History());
        return new InjectedFailure<>(name, trigger);
    }

    static History history(String name) {
        return HISTORIES.get(name);
    }

    @Override
    public T map(T record) {
        History h = HISTORIES.get(name);
        if (trigger.test(record) && h.failed.compareAndSet(false, true)) {
            throw new IllegalStateException("injected failure (" + name + ") at " + record);
        }
        h.records.incrementAndGet();
        return record;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        context.getRestoredCheckpointId().ifPresent(id -> HISTORIES.get(name).restoredFromCheckpoints.add(id));
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        // no state of its own: it only needs to learn, on a restart, which checkpoint its task came back from
    }
}
