package io.chatkpi.jobs.kpi;

import io.chatkpi.ingest.ewt.EwtSnapshot;
import io.chatkpi.ingest.ewt.WaitSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingTaskMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/** A {@link QueueEwtFunction} in Flink's keyed operator test harness, with its metrics and state readable. */
final class QueueEwtRig implements AutoCloseable {

    final InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
    final MockEnvironment environment;
    final KeyedOneInputStreamOperatorTestHarness<String, QueueSignal, EwtSnapshot> harness;

    QueueEwtRig(QueueEwtFunction.Config config) throws Exception {
        environment = new MockEnvironmentBuilder()
                .setMetricGroup(new InterceptingTaskMetricGroup() {
                    @Override
                    public InternalOperatorMetricGroup getOrAddOperator(
                            OperatorID id, String name, Map<String, String> additionalVariables) {
                        return metrics;
                    }
                })
                .build();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new QueueEwtFunction(config)), QueueSignal::queueId, Types.STRING,
                environment);
        harness.open();
    }

    QueueEwtRig() throws Exception {
        this(QueueEwtFunction.Config.defaults());
    }

    QueueEwtRig send(QueueSignal... signals) throws Exception {
        for (QueueSignal s : signals) harness.processElement(s, s.atMs());
        return this;
    }

    QueueEwtRig watermark(long w) throws Exception {
        harness.processWatermark(w);
        return this;
    }

    /** The snapshots emitted since the last call. */
    List<EwtSnapshot> snapshots() {
        List<EwtSnapshot> out = harness.extractOutputValues();
        harness.getOutput().clear();
        return out;
    }

    /** The accuracy rows emitted since the last call. */
    List<EwtAccuracyRow> rows() {
        Queue<StreamRecord<EwtAccuracyRow>> side = harness.getSideOutput(QueueEwtFunction.ACCURACY);
        List<EwtAccuracyRow> out = new ArrayList<>();
        if (side == null) return out;
        for (StreamRecord<EwtAccuracyRow> r : side) out.add(r.getValue());
        side.clear();
        return out;
    }

    long counter(String name) {
        Counter c = (Counter) metrics.get(name);
        return c == null ? 0 : c.getCount();
    }

    /** The samples the operator keeps for a queue, oldest first. */
    List<WaitSample> keptSamples(String queueId) throws Exception {
        ListState<WaitSample> state = backend(queueId).getPartitionedState(
                VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, QueueEwtFunction.samplesDescriptor());
        List<WaitSample> out = new ArrayList<>();
        Iterable<WaitSample> it = state.get();
        if (it != null) it.forEach(out::add);
        return out;
    }

    int openPredictions(String queueId) throws Exception {
        MapState<String, QueueEwtFunction.OpenPrediction> state = backend(queueId).getPartitionedState(
                VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, QueueEwtFunction.predictionsDescriptor());
        int n = 0;
        for (String ignored : state.keys()) n++;
        return n;
    }

    private KeyedStateBackend<String> backend(String queueId) {
        KeyedStateBackend<String> backend = harness.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(queueId);
        return backend;
    }

    @Override
    public void close() throws Exception {
        try {
            harness.close();
        } finally {
            environment.close();
        }
    }
}
