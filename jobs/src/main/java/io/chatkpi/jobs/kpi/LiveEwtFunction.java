package io.chatkpi.jobs.kpi;

import io.chatkpi.ingest.ewt.EwtCalculator;
import io.chatkpi.ingest.ewt.EwtFigures;
import io.chatkpi.ingest.ewt.EwtSnapshot;
import io.chatkpi.ingest.ewt.WaitSample;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
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
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The live EWT of one queue (keyed by queueId): the low-latency path behind the {@code queue-ewt} topic.
 *
 * <p>{@link QueueEwtFunction} is exact but can only apply a queue wait once the watermark has passed it, i.e. at
 * least the out-of-orderness bound after it happened. This operator does not wait:
 * <ul>
 *   <li>input 1, <em>provisional</em> queue waits ({@link SessionKpiFunction#LIVE_QUEUE_WAITS}): added to the
 *       samples in force at once;</li>
 *   <li>input 2, the queue waits {@link QueueEwtFunction} applied ({@link QueueEwtFunction#APPLIED_QUEUE_WAITS}):
 *       each confirms the provisional sample of the same identity (the REP_JOINED's eventId) and replaces it with
 *       the exact wait, or adds it when no provisional one came (it may have gone to another queue);</li>
 *   <li>a provisional sample not confirmed once the watermark reaches its time + {@link Config#confirmWithinMs}
 *       (by then the exact path has applied or dropped it) was wrong (the queue or the wait changed, the session
 *       was not Waiting after all, the wait was late) and is withdrawn (metric {@code withdrawnLiveSamples});</li>
 *   <li>samples age out of the window by event-time timers, as in the exact path.</li>
 * </ul>
 * A repeated provisional identity counts once. The confirmed samples are exactly those of {@link QueueEwtFunction}
 * (same order, same cap), so once every provisional sample is confirmed or withdrawn the figures equal the exact
 * path's.
 *
 * <p>Each change of the figures or of the samples in force emits an {@link EwtSnapshot} (same calculator, same
 * record as the exact path) with {@code asOf} = the latest event time this queue's live state has heard of: the
 * greatest of the previous asOf and the time of what caused the change (a provisional or confirmed REP_JOINED's ts,
 * or a timer's time when a sample is withdrawn or ages out). It never goes back, so the API (which keeps the
 * snapshot with the greatest asOf) always takes the newest, and a provisional snapshot's asOf is the REP_JOINED's
 * event time, close to now, not the watermark. The figures are those in force at asOf over the samples known then.
 */
public class LiveEwtFunction extends KeyedCoProcessFunction<String, QueueSignal, QueueSignal, EwtSnapshot> {

    private static final long serialVersionUID = 1L;

    public static final String WITHDRAWN_SAMPLES_METRIC = "withdrawnLiveSamples";
    public static final String DUPLICATE_PROVISIONAL_METRIC = "duplicateLiveSamples";

    /**
     * @param windowMs        how long a queue wait counts for the EWT (as the exact path)
     * @param maxSamples      at most this many of the newest queue waits count (as the exact path)
     * @param confirmWithinMs the exact path has applied (or dropped) a queue wait at t once the watermark reaches
     *                        t + this. 0 by default: the session and queue operators flush at an event's own time
     *                        and emit before they forward the watermark that passes it, so the confirmation of a
     *                        wait at t is in before this operator's watermark reaches t
     */
    public record Config(long windowMs, int maxSamples, long confirmWithinMs) implements Serializable {
        public Config {
            if (windowMs <= 0) throw new IllegalArgumentException("windowMs must be > 0");
            if (maxSamples <= 0) throw new IllegalArgumentException("maxSamples must be > 0");
            if (confirmWithinMs < 0 || confirmWithinMs >= windowMs) {
                throw new IllegalArgumentException("confirmWithinMs must be in [0, windowMs)");
            }
        }

        public static Config of(QueueEwtFunction.Config ewt) {
            return new Config(ewt.windowMs(), ewt.maxSamples(), 0);
        }

        public static Config defaults() {
            return of(QueueEwtFunction.Config.defaults());
        }
    }

    /** One sample of the live path and its identity, the eventId of the REP_JOINED that ended the wait. */
    public record LiveSample(String eventId, long atMs, long waitMs) {
        static LiveSample of(QueueSignal wait) {
            return new LiveSample(wait.eventId(), wait.atMs(), wait.waitMs());
        }

        WaitSample sample() {
            return new WaitSample(atMs, waitMs);
        }
    }

    private static final Comparator<LiveSample> BY_TIME =
            Comparator.comparingLong(LiveSample::atMs).thenComparing(LiveSample::eventId);

    private final Config config;

    private transient EwtCalculator calculator;
    /** Confirmed samples in time order (the order the exact path applied them), at most maxSamples. */
    private transient ListState<LiveSample> confirmed;
    /** Provisional samples not yet confirmed, by identity. */
    private transient MapState<String, LiveSample> provisional;
    /**
     * The same provisional samples in {@link #BY_TIME} order: one value, so that the heap state backend hands back
     * the list itself (a ListState would be copied element by element on every read).
     */
    private transient ValueState<List<LiveSample>> provisionalByTime;
    /** Identities confirmed while their provisional one may still be on its way (until time + confirmWithin). */
    private transient MapState<String, Long> recentlyConfirmed;
    /** The same identities in {@link #BY_TIME} order (waitMs unused). */
    private transient ValueState<List<LiveSample>> recentlyConfirmedByTime;
    private transient ValueState<EwtSnapshot> lastEmitted;

    private transient Counter withdrawn;
    private transient Counter duplicates;

    public LiveEwtFunction(Config config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext openContext) {
        calculator = new EwtCalculator(config.windowMs(), config.maxSamples());
        var ctx = getRuntimeContext();
        TypeInformation<LiveSample> sampleType = TypeInformation.of(LiveSample.class);
        confirmed = ctx.getListState(new ListStateDescriptor<>("liveConfirmedSamples", sampleType));
        provisional = ctx.getMapState(new MapStateDescriptor<>("liveProvisionalSamples", Types.STRING, sampleType));
        TypeInformation<List<LiveSample>> samplesType = new ListTypeInfo<>(sampleType);
        provisionalByTime = ctx.getState(new ValueStateDescriptor<>("liveProvisionalByTime", samplesType));
        recentlyConfirmed = ctx.getMapState(new MapStateDescriptor<>("liveRecentlyConfirmed", Types.STRING, Types.LONG));
        recentlyConfirmedByTime =
                ctx.getState(new ValueStateDescriptor<>("liveRecentlyConfirmedByTime", samplesType));
        lastEmitted = ctx.getState(
                new ValueStateDescriptor<>("liveLastSnapshot", TypeInformation.of(EwtSnapshot.class)));
        withdrawn = ctx.getMetricGroup().counter(WITHDRAWN_SAMPLES_METRIC);
        duplicates = ctx.getMetricGroup().counter(DUPLICATE_PROVISIONAL_METRIC);
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
        LiveSample sample = LiveSample.of(wait);
        List<LiveSample> byTime = provisionalByTime(); // before the put: an index is rebuilt from the map if absent
        provisional.put(wait.eventId(), sample);
        insertInOrder(byTime, sample);
        provisionalByTime.update(byTime);
        ctx.timerService().registerEventTimeTimer(wait.atMs() + config.confirmWithinMs());
        emitIfChanged(wait.atMs(), ctx.getCurrentKey(), out);
    }

    /** A queue wait the exact path applied. */
    @Override
    public void processElement2(QueueSignal wait, Context ctx, Collector<EwtSnapshot> out) throws Exception {
        if (wait.kind() != QueueSignal.Kind.QUEUE_WAIT) return;
        LiveSample replaced = provisional.get(wait.eventId());
        if (replaced != null) {
            provisional.remove(wait.eventId());
            List<LiveSample> byTime = provisionalByTime();
            removeFromOrder(byTime, replaced);
            updateOrClear(provisionalByTime, byTime);
        }
        long forgetAt = wait.atMs() + config.confirmWithinMs();
        if (forgetAt > ctx.timerService().currentWatermark()) {
            Long previous = recentlyConfirmed.get(wait.eventId());
            List<LiveSample> byTime = recentlyConfirmedByTime();
            if (previous != null) {
                removeFromOrder(byTime, new LiveSample(wait.eventId(), previous, 0));
            }
            recentlyConfirmed.put(wait.eventId(), wait.atMs());
            insertInOrder(byTime, new LiveSample(wait.eventId(), wait.atMs(), 0));
            recentlyConfirmedByTime.update(byTime);
            ctx.timerService().registerEventTimeTimer(forgetAt);
        }
        List<LiveSample> kept = confirmedSamples();
        // the exact path applies waits in time order; kept in time order here anyway, equal times in arrival order
        int at = kept.size();
        while (at > 0 && kept.get(at - 1).atMs() > wait.atMs()) at--;
        kept.add(at, LiveSample.of(wait));
        if (kept.size() > config.maxSamples()) kept.remove(0);
        confirmed.update(kept);
        ctx.timerService().registerEventTimeTimer(wait.atMs() + config.windowMs());
        emitIfChanged(wait.atMs(), ctx.getCurrentKey(), out);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EwtSnapshot> out) throws Exception {
        // both indexes are in time order, so what is due is a prefix: one timer costs what it removes, not what is held
        List<LiveSample> pendingOnes = provisionalByTime();
        int gone = 0;
        while (gone < pendingOnes.size() && pendingOnes.get(gone).atMs() + config.confirmWithinMs() <= timestamp) {
            provisional.remove(pendingOnes.get(gone).eventId());
            gone++;
        }
        if (gone > 0) {
            pendingOnes.subList(0, gone).clear();
            updateOrClear(provisionalByTime, pendingOnes);
        }
        withdrawn.inc(gone);

        List<LiveSample> confirmedIds = recentlyConfirmedByTime();
        int forget = 0;
        while (forget < confirmedIds.size()
                && confirmedIds.get(forget).atMs() + config.confirmWithinMs() <= timestamp) {
            recentlyConfirmed.remove(confirmedIds.get(forget).eventId());
            forget++;
        }
        if (forget > 0) {
            confirmedIds.subList(0, forget).clear();
            updateOrClear(recentlyConfirmedByTime, confirmedIds);
        }

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
        List<WaitSample> inForce = inForce(asOf);
        EwtFigures figures = calculator.figures(inForce);
        if (last == null ? inForce.isEmpty() : figures.equals(last.figures()) && inForce.equals(last.samples())) {
            return;
        }
        EwtSnapshot snapshot = new EwtSnapshot(queueId, asOf, figures, inForce);
        out.collect(snapshot);
        lastEmitted.update(snapshot);
    }

    /**
     * {@link EwtCalculator#inForce} at {@code t} over the confirmed and provisional samples merged oldest first (on
     * equal times confirmed ones first, as applied), walked from the newest end of both: it reads at most
     * maxSamples of each instead of merging everything held.
     */
    private List<WaitSample> inForce(long t) throws Exception {
        List<LiveSample> exact = confirmedSamples();
        List<LiveSample> pendingOnes = provisionalByTime();
        // the walk skips samples after t; in the provisional ones (which can be many) skip them at once
        int j = firstAfter(pendingOnes, t) - 1;
        int i = exact.size() - 1;
        List<WaitSample> newestFirst = new ArrayList<>(config.maxSamples());
        while ((i >= 0 || j >= 0) && newestFirst.size() < config.maxSamples()) {
            // the newest remaining of the merged order: on equal times the provisional one is the later one
            LiveSample s = (j >= 0 && (i < 0 || pendingOnes.get(j).atMs() >= exact.get(i).atMs()))
                    ? pendingOnes.get(j--)
                    : exact.get(i--);
            if (s.atMs() > t) continue;
            if (s.atMs() <= t - config.windowMs()) break;
            newestFirst.add(s.sample());
        }
        return newestFirst;
    }

    /** The index of the first sample with time after {@code t} in a list in {@link #BY_TIME} order. */
    private static int firstAfter(List<LiveSample> byTime, long t) {
        int lo = 0;
        int hi = byTime.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (byTime.get(mid).atMs() <= t) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private static void insertInOrder(List<LiveSample> byTime, LiveSample sample) {
        // after every sample that does not come after it (partitions read at different event times interleave, so
        // the place can be far from the end)
        int lo = 0;
        int hi = byTime.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (BY_TIME.compare(byTime.get(mid), sample) <= 0) lo = mid + 1; else hi = mid;
        }
        byTime.add(lo, sample);
    }

    private static void removeFromOrder(List<LiveSample> byTime, LiveSample sample) {
        int at = Collections.binarySearch(byTime, sample, BY_TIME);
        if (at >= 0) byTime.remove(at);
    }

    private static void updateOrClear(ValueState<List<LiveSample>> state, List<LiveSample> values)
            throws Exception {
        if (values.isEmpty()) state.clear(); else state.update(values);
    }

    private List<LiveSample> provisionalByTime() throws Exception {
        List<LiveSample> stored = provisionalByTime.value();
        List<LiveSample> out = stored != null ? stored : new ArrayList<>();
        if (out.isEmpty() && !provisional.isEmpty()) {
            // restored from a savepoint taken before the time-ordered index existed
            for (LiveSample s : provisional.values()) out.add(s);
            out.sort(BY_TIME);
        }
        return out;
    }

    private List<LiveSample> recentlyConfirmedByTime() throws Exception {
        List<LiveSample> stored = recentlyConfirmedByTime.value();
        List<LiveSample> out = stored != null ? stored : new ArrayList<>();
        if (out.isEmpty() && !recentlyConfirmed.isEmpty()) {
            for (Map.Entry<String, Long> e : recentlyConfirmed.entries()) out.add(new LiveSample(e.getKey(), e.getValue(), 0));
            out.sort(BY_TIME);
        }
        return out;
    }

    private List<LiveSample> confirmedSamples() throws Exception {
        List<LiveSample> out = new ArrayList<>();
        Iterable<LiveSample> stored = confirmed.get();
        if (stored != null) for (LiveSample s : stored) out.add(s);
        return out;
    }

    /** Provisional samples withdrawn by this instance (the {@code withdrawnLiveSamples} metric). */
    public long withdrawnCount() {
        return withdrawn == null ? 0 : withdrawn.getCount();
    }

    /** Provisional samples dropped as repeats by this instance. */
    public long duplicateCount() {
        return duplicates == null ? 0 : duplicates.getCount();
    }
}
