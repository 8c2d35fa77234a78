package io.chatkpi.jobs.kpi;

import io.chatkpi.ingest.ewt.EwtCalculator;
import io.chatkpi.ingest.ewt.EwtFigures;
import io.chatkpi.ingest.ewt.EwtSnapshot;
import io.chatkpi.ingest.ewt.WaitSample;
import java.io.Serializable;
import java.time.Duration;
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
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The live estimated wait time of one queue (keyed by queueId), and what it promised each session that entered it.
 *
 * <p>Signals arrive in event-time order per upstream subtask but interleaved across subtasks, so they are buffered
 * until the watermark passes them and then applied in a canonical order (time, then {@link QueueSignal.Kind}
 * order, then sessionId, then eventId): the output does not depend on arrival order or on how often watermarks
 * come. Each distinct instant T (a signal's time, or a sample's time + window when it ages out) is applied as:
 * drop the samples with time ≤ T − window; add the queue waits ending at T; record the estimate in force at T for
 * sessions entering at T and close the waits ending at T (side output {@link #ACCURACY}); then emit one
 * {@link EwtSnapshot} with {@code asOf = T} if any figure differs from the last one emitted.
 *
 * <p>One event-time timer per queue at a time: the earliest of the next buffered signal, the next sample to age
 * out and the next open prediction to expire. When it fires, every instant up to the current watermark is applied.
 *
 * <p>A signal at or before the watermark on arrival is late. A late queue wait is dropped (metric
 * {@code lateQueueSignals}): EWT history is never rewritten. A late QUEUED still gets an accuracy row, with a
 * null prediction because the estimate in force at its instant is no longer known; a late close is matched to its
 * stored prediction as usual (metric {@code lateAccuracySignals} counts both).
 */
public class QueueEwtFunction extends KeyedProcessFunction<String, QueueSignal, EwtSnapshot> {

    private static final long serialVersionUID = 1L;

    /** The {@code ewt_accuracy} rows: one when a session enters the queue, one when its wait ends. */
    public static final OutputTag<EwtAccuracyRow> ACCURACY =
            new OutputTag<>("ewt-accuracy", TypeInformation.of(EwtAccuracyRow.class));

    /**
     * The queue waits as this operator applied them (in the order it applied them, each once, late ones never):
     * they confirm the provisional samples of the live EWT ({@link LiveEwtFunction}).
     */
    public static final OutputTag<QueueSignal> APPLIED_QUEUE_WAITS =
            new OutputTag<>("applied-queue-waits", TypeInformation.of(QueueSignal.class));

    public static final String LATE_QUEUE_SIGNALS_METRIC = "lateQueueSignals";
    public static final String LATE_ACCURACY_SIGNALS_METRIC = "lateAccuracySignals";
    public static final String UNMATCHED_CLOSES_METRIC = "unmatchedSegmentCloses";
    public static final String EXPIRED_PREDICTIONS_METRIC = "expiredPredictions";

    public static final long DEFAULT_PREDICTION_RETENTION_MS = Duration.ofHours(36).toMillis();

    /** The order in which signals of one instant are applied: waits first, so an entry sees a wait ending at its ms. */
    static final Comparator<QueueSignal> CANONICAL_ORDER = Comparator.comparingLong(QueueSignal::atMs)
            .thenComparing(QueueSignal::kind)
            .thenComparing(QueueSignal::sessionId, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(QueueSignal::eventId, Comparator.nullsFirst(Comparator.naturalOrder()));

    /**
     * @param windowMs              how long a queue wait counts for the EWT
     * @param maxSamples            at most this many of the newest queue waits count
     * @param predictionRetentionMs how long (event time after the QUEUED) a prediction waits for its wait to end
     */
    public record Config(long windowMs, int maxSamples, long predictionRetentionMs) implements Serializable {
        public Config {
            if (windowMs <= 0) throw new IllegalArgumentException("windowMs must be > 0");
            if (maxSamples <= 0) throw new IllegalArgumentException("maxSamples must be > 0");
            if (predictionRetentionMs <= 0) throw new IllegalArgumentException("predictionRetentionMs must be > 0");
        }

        public static Config defaults() {
            return new Config(
                    EwtCalculator.DEFAULT_WINDOW_MS, EwtCalculator.DEFAULT_MAX_SAMPLES, DEFAULT_PREDICTION_RETENTION_MS);
        }

        public EwtCalculator calculator() {
            return new EwtCalculator(windowMs, maxSamples);
        }
    }

    /**
     * What the EWT promised one waiting segment, kept until its wait ends or the retention passes.
     *
     * @param closedFirst the segment's close came before its entry (which can then only be late): kept only so that
     *                    the late entry does not reopen the closed row
     */
    public record OpenPrediction(String sessionId, long queuedAtMs, Long predictedMs, int sampleSize, boolean closedFirst) {}

    private final Config config;

    private transient EwtCalculator calculator;
    /** Signals not yet passed by the watermark, by their time. */
    private transient MapState<Long, List<QueueSignal>> pending;
    /** The newest samples (at most maxSamples) not yet aged out, oldest first. */
    private transient ListState<WaitSample> samples;
    /** The figures of the last snapshot emitted; absent = unknown (none emitted, or the null one). */
    private transient ValueState<EwtFigures> lastEmitted;
    /** Open predictions by {@link #predictionKey}. */
    private transient MapState<String, OpenPrediction> predictions;
    /** No open prediction expires before this (it may be earlier than the true earliest after closes). */
    private transient ValueState<Long> nextPredictionExpiry;
    /** The one event-time timer this queue has registered. */
    private transient ValueState<Long> timer;

    private transient Counter lateQueueSignals;
    private transient Counter lateAccuracySignals;
    private transient Counter unmatchedCloses;
    private transient Counter expiredPredictions;

    public QueueEwtFunction() {
        this(Config.defaults());
    }

    public QueueEwtFunction(Config config) {
        this.config = config;
    }

    static MapStateDescriptor<Long, List<QueueSignal>> pendingDescriptor() {
        return new MapStateDescriptor<>(
                "pendingSignals", Types.LONG, new ListTypeInfo<>(TypeInformation.of(QueueSignal.class)));
    }

    static ListStateDescriptor<WaitSample> samplesDescriptor() {
        return new ListStateDescriptor<>("samples", TypeInformation.of(WaitSample.class));
    }

    static MapStateDescriptor<String, OpenPrediction> predictionsDescriptor() {
        return new MapStateDescriptor<>("openPredictions", Types.STRING, TypeInformation.of(OpenPrediction.class));
    }

    @Override
    public void open(OpenContext openContext) {
        calculator = config.calculator();
        pending = getRuntimeContext().getMapState(pendingDescriptor());
        samples = getRuntimeContext().getListState(samplesDescriptor());
        lastEmitted = getRuntimeContext().getState(
                new ValueStateDescriptor<>("lastEmittedFigures", TypeInformation.of(EwtFigures.class)));
        predictions = getRuntimeContext().getMapState(predictionsDescriptor());
        nextPredictionExpiry = getRuntimeContext().getState(new ValueStateDescriptor<>("nextPredictionExpiry", Types.LONG));
        timer = getRuntimeContext().getState(new ValueStateDescriptor<>("timer", Types.LONG));
        var metrics = getRuntimeContext().getMetricGroup();
        lateQueueSignals = metrics.counter(LATE_QUEUE_SIGNALS_METRIC);
        lateAccuracySignals = metrics.counter(LATE_ACCURACY_SIGNALS_METRIC);
        unmatchedCloses = metrics.counter(UNMATCHED_CLOSES_METRIC);
        expiredPredictions = metrics.counter(EXPIRED_PREDICTIONS_METRIC);
    }

    @Override
    public void processElement(QueueSignal signal, Context ctx, Collector<EwtSnapshot> out) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        if (signal.atMs() > watermark) {
            List<QueueSignal> atSameTime = pending.get(signal.atMs());
            if (atSameTime == null) atSameTime = new ArrayList<>(2);
            atSameTime.add(signal);
            pending.put(signal.atMs(), atSameTime);
            wakeUpNoLaterThan(signal.atMs(), ctx);
            return;
        }
        switch (signal.kind()) {
            case QUEUE_WAIT -> lateQueueSignals.inc();
            case ENTERED -> {
                lateAccuracySignals.inc();
                long expiry = signal.queuedAtMs() + config.predictionRetentionMs();
                if (expiry <= watermark) {
                    // it would expire at once: a close can only find no prediction, which gives the same row
                    ctx.output(ACCURACY, openRow(signal, EwtFigures.UNKNOWN));
                } else if (enter(signal, EwtFigures.UNKNOWN, ctx)) {
                    lowerPredictionExpiry(expiry);
                    wakeUpNoLaterThan(expiry, ctx);
                }
            }
            case SEGMENT_CLOSED -> {
                lateAccuracySignals.inc();
                long expiry = close(signal, watermark, ctx);
                if (expiry != Long.MAX_VALUE) {
                    lowerPredictionExpiry(expiry);
                    wakeUpNoLaterThan(expiry, ctx);
                }
            }
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EwtSnapshot> out) throws Exception {
        timer.clear();
        long watermark = ctx.timerService().currentWatermark();
        List<Long> due = new ArrayList<>();
        for (Long t : pending.keys()) {
            if (t <= watermark) due.add(t);
        }
        due.sort(null);

        List<WaitSample> kept = new ArrayList<>();
        for (WaitSample s : samples.get()) kept.add(s);
        EwtFigures last = lastEmitted.value();
        if (last == null) last = EwtFigures.UNKNOWN;
        Long expiryValue = nextPredictionExpiry.value();
        long expiry = expiryValue == null ? Long.MAX_VALUE : expiryValue;

        int nextDue = 0;
        while (true) {
            long signalAt = nextDue < due.size() ? due.get(nextDue) : Long.MAX_VALUE;
            long agesOutAt = kept.isEmpty() ? Long.MAX_VALUE : kept.get(0).atMs() + config.windowMs();
            long t = Math.min(signalAt, Math.min(agesOutAt, expiry));
            if (t == Long.MAX_VALUE || t > watermark) break;

            while (!kept.isEmpty() && kept.get(0).atMs() <= t - config.windowMs()) kept.remove(0);
            List<QueueSignal> signals = List.of();
            if (t == signalAt) {
                signals = pending.get(t);
                pending.remove(t);
                nextDue++;
                signals.sort(CANONICAL_ORDER);
                for (QueueSignal s : signals) {
                    if (s.kind() == QueueSignal.Kind.QUEUE_WAIT) {
                        kept.add(new WaitSample(t, s.waitMs()));
                        ctx.output(APPLIED_QUEUE_WAITS, s);
                        if (kept.size() > config.maxSamples()) kept.remove(0);
                    }
                }
            }
            List<WaitSample> inForce = calculator.inForce(kept, t);
            EwtFigures now = calculator.figures(inForce);
            for (QueueSignal s : signals) {
                switch (s.kind()) {
                    case QUEUE_WAIT -> { }
                    case ENTERED -> {
                        if (enter(s, now, ctx)) expiry = Math.min(expiry, s.queuedAtMs() + config.predictionRetentionMs());
                    }
                    case SEGMENT_CLOSED -> expiry = Math.min(expiry, close(s, t, ctx));
                }
            }
            if (t == expiry) expiry = expirePredictions(t);
            if (!now.equals(last)) {
                out.collect(new EwtSnapshot(ctx.getCurrentKey(), t, now, inForce));
                last = now;
            }
        }

        if (kept.isEmpty()) samples.clear(); else samples.update(kept);
        if (last.sampleSize() == 0) lastEmitted.clear(); else lastEmitted.update(last);
        if (expiry == Long.MAX_VALUE) nextPredictionExpiry.clear(); else nextPredictionExpiry.update(expiry);

        long next = expiry;
        if (!kept.isEmpty()) next = Math.min(next, kept.get(0).atMs() + config.windowMs());
        for (Long t : pending.keys()) next = Math.min(next, t);
        if (next != Long.MAX_VALUE) wakeUpNoLaterThan(next, ctx);
    }

    /** Records the prediction for an entry and emits its open row; false if this entry is already recorded. */
    private boolean enter(QueueSignal entered, EwtFigures inForce, Context ctx) throws Exception {
        String key = predictionKey(entered.sessionId(), entered.queuedAtMs());
        if (predictions.contains(key)) return false;
        predictions.put(key, new OpenPrediction(
                entered.sessionId(), entered.queuedAtMs(), inForce.estimatedWaitMs(), inForce.sampleSize(), false));
        ctx.output(ACCURACY, openRow(entered, inForce));
        return true;
    }

    /**
     * Emits the closed row; returns the expiry of a marker kept for an entry not seen yet, or MAX.
     *
     * @param now the instant being applied, or the watermark for a late close
     */
    private long close(QueueSignal closed, long now, Context ctx) throws Exception {
        String key = predictionKey(closed.sessionId(), closed.queuedAtMs());
        OpenPrediction p = predictions.get(key);
        long markerExpiry = Long.MAX_VALUE;
        if (p == null) {
            unmatchedCloses.inc();
            long expiry = closed.queuedAtMs() + config.predictionRetentionMs();
            if (expiry > now) {
                predictions.put(key, new OpenPrediction(closed.sessionId(), closed.queuedAtMs(), null, 0, true));
                markerExpiry = expiry;
            }
        } else if (p.closedFirst()) {
            return Long.MAX_VALUE; // a duplicate close
        } else {
            predictions.remove(key);
        }
        // an absent prediction (entry never seen, or expired) gives a row with an unknown prediction, not no row:
        // the actual wait is still worth having
        ctx.output(ACCURACY, new EwtAccuracyRow(
                closed.queueId(), closed.sessionId(), closed.queuedAtMs(),
                p == null ? null : p.predictedMs(), p == null ? 0 : p.sampleSize(),
                closed.waitMs(), closed.abandoned()));
        return markerExpiry;
    }

    private static EwtAccuracyRow openRow(QueueSignal entered, EwtFigures inForce) {
        return new EwtAccuracyRow(
                entered.queueId(), entered.sessionId(), entered.queuedAtMs(),
                inForce.estimatedWaitMs(), inForce.sampleSize(), null, false);
    }

    /** Drops predictions whose retention ends at or before {@code t}; returns the next expiry (MAX if none). */
    private long expirePredictions(long t) throws Exception {
        List<String> expired = new ArrayList<>();
        long next = Long.MAX_VALUE;
        for (Map.Entry<String, OpenPrediction> e : predictions.entries()) {
            long expiry = e.getValue().queuedAtMs() + config.predictionRetentionMs();
            if (expiry > t) {
                next = Math.min(next, expiry);
            } else {
                expired.add(e.getKey());
                if (!e.getValue().closedFirst()) expiredPredictions.inc();
            }
        }
        for (String key : expired) predictions.remove(key);
        return next;
    }

    private void lowerPredictionExpiry(long expiry) throws Exception {
        Long current = nextPredictionExpiry.value();
        if (current == null || expiry < current) nextPredictionExpiry.update(expiry);
    }

    /** Keeps one timer per queue: moves it earlier if needed, never adds a second. */
    private void wakeUpNoLaterThan(long t, Context ctx) throws Exception {
        Long current = timer.value();
        if (current != null && current <= t) return;
        if (current != null) ctx.timerService().deleteEventTimeTimer(current);
        ctx.timerService().registerEventTimeTimer(t);
        timer.update(t);
    }

    static String predictionKey(String sessionId, long queuedAtMs) {
        return queuedAtMs + "/" + sessionId;
    }
}
