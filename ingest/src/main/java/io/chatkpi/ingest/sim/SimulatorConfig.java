package io.chatkpi.ingest.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything that shapes simulated traffic. Same config and seed: byte-identical output.
 *
 * @param arrivalsPerMinute  mean session arrivals per minute over all queues (Poisson)
 * @param queues             the queues; arrivals are spread evenly over them
 * @param concurrencyCap     sessions one rep handles at once (capacity is also held during after-chat work)
 * @param seed               the random seed; it also tags every id, so runs with different seeds never collide
 * @param start              simulated start instant (real time: ignored, the wall clock is used)
 * @param duration           simulated time to run; null runs until stopped or maxEvents
 * @param maxEvents          stop after this many events (valid ones, duplicates not counted); 0: no limit
 * @param realTime           sleep so that events happen at their timestamps on the wall clock
 * @param inactivityTimeout  silence after which a session goes INACTIVE by AUTO (5-30 min)
 * @param meanPatience       mean time an end user waits in a queue before giving up (exponential)
 * @param duplicateShare     share of events delivered twice (same eventId), to exercise downstream dedup
 * @param invalidShare       share of extra lines that break the contract, to exercise rejection
 */
public record SimulatorConfig(
        double arrivalsPerMinute,
        List<QueueConfig> queues,
        int concurrencyCap,
        long seed,
        Instant start,
        Duration duration,
        long maxEvents,
        boolean realTime,
        Duration inactivityTimeout,
        Duration meanPatience,
        double duplicateShare,
        double invalidShare) {

    public static final List<String> DEFAULT_QUEUES = List.of("billing", "tech", "general");
    public static final double DEFAULT_RATE = 30;
    public static final int DEFAULT_REPS = 30;
    public static final int DEFAULT_CONCURRENCY = 3;

    public SimulatorConfig {
        if (!(arrivalsPerMinute > 0) || Double.isInfinite(arrivalsPerMinute)) {
            throw new IllegalArgumentException("arrival rate must be > 0 per minute: " + arrivalsPerMinute);
        }
        queues = List.copyOf(queues);
        if (queues.isEmpty()) throw new IllegalArgumentException("at least one queue is needed");
        if (queues.stream().map(QueueConfig::name).distinct().count() != queues.size()) {
            throw new IllegalArgumentException("queue names must be distinct: " + queues);
        }
        if (concurrencyCap < 1) throw new IllegalArgumentException("concurrency cap must be >= 1: " + concurrencyCap);
        Objects.requireNonNull(start, "start");
        if (duration != null && duration.isNegative()) throw new IllegalArgumentException("negative duration");
        if (maxEvents < 0) throw new IllegalArgumentException("maxEvents must be >= 0");
        Objects.requireNonNull(inactivityTimeout, "inactivityTimeout");
        if (inactivityTimeout.compareTo(Duration.ofMinutes(5)) < 0
                || inactivityTimeout.compareTo(Duration.ofMinutes(30)) > 0) {
            throw new IllegalArgumentException("inactivity timeout must be 5-30 minutes: " + inactivityTimeout);
        }
        Objects.requireNonNull(meanPatience, "meanPatience");
        if (meanPatience.isNegative() || meanPatience.isZero()) throw new IllegalArgumentException("patience must be > 0");
        if (duplicateShare < 0 || duplicateShare > 0.5) throw new IllegalArgumentException("duplicate share must be 0-0.5");
        if (invalidShare < 0 || invalidShare > 0.5) throw new IllegalArgumentException("invalid share must be 0-0.5");
    }

    /** The defaults: 30 arrivals/min over billing, tech and general, 30 reps each at 3 chats, 10 min timeout. */
    public static SimulatorConfig defaults() {
        return new SimulatorConfig(DEFAULT_RATE, queues(DEFAULT_QUEUES, DEFAULT_REPS), DEFAULT_CONCURRENCY, 1L,
                Instant.parse("2026-11-25T08:00:00Z"), Duration.ofHours(1), 0, false,
                Duration.ofMinutes(10), Duration.ofMinutes(4), 0, 0);
    }

    public static List<QueueConfig> queues(List<String> names, int repsEach) {
        List<QueueConfig> out = new ArrayList<>();
        for (String n : names) out.add(QueueConfig.defaults(n, repsEach));
        return out;
    }

    public SimulatorConfig withRate(double v) {
        return new SimulatorConfig(v, queues, concurrencyCap, seed, start, duration, maxEvents, realTime, inactivityTimeout, meanPatience, duplicateShare, invalidShare);
    }

    public SimulatorConfig withQueues(List<QueueConfig> v) {
        return new SimulatorConfig(arrivalsPerMinute, v, concurrencyCap, seed, start, duration, maxEvents, realTime, inactivityTimeout, meanPatience, duplicateShare, invalidShare);
    }

    /** Every queue with this many reps. */
    public SimulatorConfig withRepsPerQueue(int reps) {
        return withQueues(queues.stream().map(q -> q.withReps(reps)).toList());
    }

    public SimulatorConfig withConcurrencyCap(int v) {
        return new SimulatorConfig(arrivalsPerMinute, queues, v, seed, start, duration, maxEvents, realTime, inactivityTimeout, meanPatience, duplicateShare, invalidShare);
    }

    public SimulatorConfig withSeed(long v) {
        return new SimulatorConfig(arrivalsPerMinute, queues, concurrencyCap, v, start, duration, maxEvents, realTime, inactivityTimeout, meanPatience, duplicateShare, invalidShare);
    }

    public SimulatorConfig withStart(Instant v) {
        return new SimulatorConfig(arrivalsPerMinute, queues, concurrencyCap, seed, v, duration, maxEvents, realTime, inactivityTimeout, meanPatience, duplicateShare, invalidShare);
    }

    /** Null: run until stopped (or maxEvents). */
    public SimulatorConfig withDuration(Duration v) {
        return new SimulatorConfig(arrivalsPerMinute, queues, concurrencyCap, seed, start, v, maxEvents, realTime, inactivityTimeout, meanPatience, duplicateShare, invalidShare);
    }

    public SimulatorConfig withMaxEvents(long v) {
        return new SimulatorConfig(arrivalsPerMinute, queues, concurrencyCap, seed, start, duration, v, realTime, inactivityTimeout, meanPatience, duplicateShare, invalidShare);
    }

    public SimulatorConfig withRealTime(boolean v) {
        return new SimulatorConfig(arrivalsPerMinute, queues, concurrencyCap, seed, start, duration, maxEvents, v, inactivityTimeout, meanPatience, duplicateShare, invalidShare);
    }

    public SimulatorConfig withInactivityTimeout(Duration v) {
        return new SimulatorConfig(arrivalsPerMinute, queues, concurrencyCap, seed, start, duration, maxEvents, realTime, v, meanPatience, duplicateShare, invalidShare);
    }

    public SimulatorConfig withMeanPatience(Duration v) {
        return new SimulatorConfig(arrivalsPerMinute, queues, concurrencyCap, seed, start, duration, maxEvents, realTime, inactivityTimeout, v, duplicateShare, invalidShare);
    }

    public SimulatorConfig withDuplicateShare(double v) {
        return new SimulatorConfig(arrivalsPerMinute, queues, concurrencyCap, seed, start, duration, maxEvents, realTime, inactivityTimeout, meanPatience, v, invalidShare);
    }

    public SimulatorConfig withInvalidShare(double v) {
        return new SimulatorConfig(arrivalsPerMinute, queues, concurrencyCap, seed, start, duration, maxEvents, realTime, inactivityTimeout, meanPatience, duplicateShare, v);
    }
}
