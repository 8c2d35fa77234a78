package io.chatkpi.jobs.kpi;

import io.chatkpi.ingest.ewt.EwtCalculator;
import io.chatkpi.ingest.ewt.EwtFigures;
import io.chatkpi.ingest.ewt.EwtSnapshot;
import io.chatkpi.ingest.ewt.WaitSample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import io.chatkpi.jobs.kpi.LiveEwtFunction.LiveSample;
import org.apache.flink.util.Collector;

/**
 * {@link LiveEwtFunction} as it was first written: every call merges and sorts everything held and every timer scans
 * every provisional and recently confirmed identity. Kept as the reference the indexed operator must equal, output
 * for output.
 */
class LiveEwtReferenceFunction extends KeyedCoProcessFunction<String, QueueSignal, QueueSignal, EwtSnapshot> {

    private static final long serialVersionUID = 1L;


    private static final Comparator<LiveSample> BY_TIME =
            Comparator.comparingLong(LiveSample::atMs).thenComparing(LiveSample::eventId);

    private final LiveEwtFunction.Config config;

    private transient EwtCalculator calculator;
    /** Confirmed samples in time order (the order the exact path applied them), at most maxSamples. */
    private transient ListState<LiveSample> confirmed;
    /** Provisional samples not yet confirmed, by identity. */
    private transient MapState<String, LiveSample> provisional;
    /** Identities confirmed while their provisional one may still be on its way (until time + confirmWithin). */
    private transient MapState<String, Long> recentlyConfirmed;
    private transient ValueState<EwtSnapshot> lastEmitted;

    private transient Counter withdrawn;
    private transient Counter duplicates;

    LiveEwtReferenceFunction(LiveEwtFunction.Config config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext openContext) {
        calculator = new EwtCalculator(config.windowMs(), config.maxSamples());
        var ctx = getRuntimeContext();
        TypeInformation<LiveSample> sampleType = TypeInformation.of(LiveSample.class);
        confirmed = ctx.getListState(new ListStateDescriptor<>("liveConfirmedSamples", sampleType));
        provisional = ctx.getMapState(new MapStateDescriptor<>("liveProvisionalSamples", Types.STRING, sampleType));
        recentlyConfirmed = ctx.getMapState(new MapStateDescriptor<>("liveRecentlyConfirmed", Types.STRING, Types.LONG));
        lastEmitted = ctx.getState(
                new ValueStateDescriptor<>("liveLastSnapshot", TypeInformation.of(EwtSnapshot.class)));
        withdrawn = ctx.getMetricGroup().counter(LiveEwtFunction.WITHDRAWN_SAMPLES_METRIC);
        duplicates = ctx.getMetricGroup().counter(LiveEwtFunction.DUPLICATE_PROVISIONAL_METRIC);
    }

    /** A provisional queue wait. */
    @Override
    public void processElement1(QueueSignal wait, Context ctx, Collector<EwtSnapshot> out) throws Exception {
        if (wait.kind() != QueueSignal.Kind.QUEUE_WAIT) return;
        if (wait.atMs() + config.confirmWithinMs() <= ctx.timerService().currentWatermark()) {
            // the exact path has already applied or dropped it: nothing provisional left to say
            return;
        }
        if (provisional.contains(wait.eventId()) || recentlyConfirmed.contains(wait.eventId())) {
            duplicates.inc();
            return;
        }
        provisional.put(wait.eventId(), new LiveSample(wait.eventId(), wait.atMs(), wait.waitMs()));
        ctx.timerService().registerEventTimeTimer(wait.atMs() + config.confirmWithinMs());
        emitIfChanged(wait.atMs(), ctx.getCurrentKey(), out);
    }

    /** A queue wait the exact path applied. */
    @Override
    public void processElement2(QueueSignal wait, Context ctx, Collector<EwtSnapshot> out) throws Exception {
        if (wait.kind() != QueueSignal.Kind.QUEUE_WAIT) return;
        provisional.remove(wait.eventId());
        long forgetAt = wait.atMs() + config.confirmWithinMs();
        if (forgetAt > ctx.timerService().currentWatermark()) {
            recentlyConfirmed.put(wait.eventId(), wait.atMs());
            ctx.timerService().registerEventTimeTimer(forgetAt);
        }
        List<LiveSample> kept = confirmedSamples();
        // the exact path applies waits in time order; kept in time order here anyway, equal times in arrival order
        int at = kept.size();
        while (at > 0 && kept.get(at - 1).atMs() > wait.atMs()) at--;
        kept.add(at, new LiveSample(wait.eventId(), wait.atMs(), wait.waitMs()));
        if (kept.size() > config.maxSamples()) kept.remove(0);
        confirmed.update(kept);
        ctx.timerService().registerEventTimeTimer(wait.atMs() + config.windowMs());
        emitIfChanged(wait.atMs(), ctx.getCurrentKey(), out);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EwtSnapshot> out) throws Exception {
        List<String> gone = new ArrayList<>();
        for (Map.Entry<String, LiveSample> e : provisional.entries()) {
            if (e.getValue().atMs() + config.confirmWithinMs() <= timestamp) gone.add(e.getKey());
        }
        for (String id : gone) provisional.remove(id);
        withdrawn.inc(gone.size());

        List<String> forget = new ArrayList<>();
        for (Map.Entry<String, Long> e : recentlyConfirmed.entries()) {
            if (e.getValue() + config.confirmWithinMs() <= timestamp) forget.add(e.getKey());
        }
        for (String id : forget) recentlyConfirmed.remove(id);

        List<LiveSample> kept = confirmedSamples();
        if (kept.removeIf(s -> s.atMs() <= timestamp - config.windowMs())) {
            if (kept.isEmpty()) confirmed.clear(); else confirmed.update(kept);
        }
        emitIfChanged(timestamp, ctx.getCurrentKey(), out);
    }

    /** Emits the snapshot at max(last asOf, {@code causeMs}) if its figures or samples differ from the last one. */
    private void emitIfChanged(long causeMs, String queueId, Collector<EwtSnapshot> out) throws Exception {
        EwtSnapshot last = lastEmitted.value();
        long asOf = last == null ? causeMs : Math.max(last.asOfMs(), causeMs);
        List<WaitSample> inForce = calculator.inForce(samplesOldestFirst(), asOf);
        EwtFigures figures = calculator.figures(inForce);
        if (last == null ? inForce.isEmpty() : figures.equals(last.figures()) && inForce.equals(last.samples())) {
            return;
        }
        EwtSnapshot snapshot = new EwtSnapshot(queueId, asOf, figures, inForce);
        out.collect(snapshot);
        lastEmitted.update(snapshot);
    }

    /** Confirmed and provisional samples, oldest first; on equal times confirmed ones first, as applied. */
    private List<WaitSample> samplesOldestFirst() throws Exception {
        List<LiveSample> pendingOnes = new ArrayList<>();
        for (LiveSample s : provisional.values()) pendingOnes.add(s);
        pendingOnes.sort(BY_TIME);
        List<LiveSample> exact = confirmedSamples();
        List<WaitSample> merged = new ArrayList<>(exact.size() + pendingOnes.size());
        int i = 0;
        int j = 0;
        while (i < exact.size() || j < pendingOnes.size()) {
            if (j == pendingOnes.size() || (i < exact.size() && exact.get(i).atMs() <= pendingOnes.get(j).atMs())) {
                merged.add(new WaitSample(exact.get(i).atMs(), exact.get(i++).waitMs()));
            } else {
                merged.add(new WaitSample(pendingOnes.get(j).atMs(), pendingOnes.get(j++).waitMs()));
            }
        }
        return merged;
    }

    private List<LiveSample> confirmedSamples() throws Exception {
        List<LiveSample> out = new ArrayList<>();
        Iterable<LiveSample> stored = confirmed.get();
        if (stored != null) for (LiveSample s : stored) out.add(s);
        return out;
    }

    /** Provisional samples withdrawn by this instance (the {@code withdrawnLiveSamples} metric). */
    long withdrawnCount() {
        return withdrawn == null ? 0 : withdrawn.getCount();
    }

    /** Provisional samples dropped as repeats by this instance. */
    long duplicateCount() {
        return duplicates == null ? 0 : duplicates.getCount();
    }
}
