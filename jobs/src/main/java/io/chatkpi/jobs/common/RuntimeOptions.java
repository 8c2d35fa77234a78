package io.chatkpi.jobs.common;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * How a streaming job runs, the same for every chatkpi job: checkpointing (the sinks flush and the Kafka source
 * commits its offsets on each checkpoint) and a fixed-delay restart strategy, so a transient failure (ClickHouse
 * restarting, a broker hiccup) costs a restart from the last checkpoint, not the job.
 *
 * @param checkpointIntervalMs {@code --checkpoint-interval-ms}, default 60 s: a checkpoint of the KPI job writes its
 *                             whole heap state (every open session's events), so its CPU cost is state size /
 *                             interval; nothing waits for checkpoints to be fresh (the sinks flush every
 *                             {@code --batch-interval-ms}, the EWT producer sends at once), and the price of a
 *                             longer interval is only a longer replay after a restart (at most a minute of the
 *                             topic, whose rows replace their earlier copies in the ReplacingMergeTree tables)
 * @param restartAttempts      {@code --restart-attempts}, default 10
 * @param restartDelayMs       {@code --restart-delay-ms}, default 5 s
 * @param parallelism          {@code --parallelism}; 0 keeps the environment's default
 */
public record RuntimeOptions(long checkpointIntervalMs, int restartAttempts, long restartDelayMs, int parallelism) {

    public static final long DEFAULT_CHECKPOINT_INTERVAL_MS = 60_000;
    public static final int DEFAULT_RESTART_ATTEMPTS = 10;
    public static final long DEFAULT_RESTART_DELAY_MS = 5_000;

    public RuntimeOptions {
        if (checkpointIntervalMs < 10) {
            throw new IllegalArgumentException("checkpoint interval must be at least 10 ms, got " + checkpointIntervalMs);
        }
        if (restartAttempts < 0 || restartDelayMs < 0 || parallelism < 0) {
            throw new IllegalArgumentException("restart attempts, restart delay and parallelism must not be negative");
        }
    }

    public static RuntimeOptions defaults() {
        return new RuntimeOptions(DEFAULT_CHECKPOINT_INTERVAL_MS, DEFAULT_RESTART_ATTEMPTS, DEFAULT_RESTART_DELAY_MS, 0);
    }

    public static RuntimeOptions from(JobConfig config) {
        return new RuntimeOptions(
                config.getLong("checkpoint-interval-ms", DEFAULT_CHECKPOINT_INTERVAL_MS),
                config.getInt("restart-attempts", DEFAULT_RESTART_ATTEMPTS),
                config.getLong("restart-delay-ms", DEFAULT_RESTART_DELAY_MS),
                config.getInt("parallelism", 0));
    }

    public RuntimeOptions withCheckpointInterval(long ms) {
        return new RuntimeOptions(ms, restartAttempts, restartDelayMs, parallelism);
    }

    public RuntimeOptions withParallelism(int p) {
        return new RuntimeOptions(checkpointIntervalMs, restartAttempts, restartDelayMs, p);
    }

    public void applyTo(StreamExecutionEnvironment env) {
        Configuration restart = new Configuration();
        restart.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        restart.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restartAttempts);
        restart.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(restartDelayMs));
        // Every record type in the jobs is an immutable record and every sink encodes a row at once, so chained
        // operators can share a record instead of each getting a serializer copy (~6 % of the session task's time)
        restart.set(PipelineOptions.OBJECT_REUSE, true);
        env.configure(restart);
        env.enableCheckpointing(checkpointIntervalMs);
        if (parallelism > 0) {
            env.setParallelism(parallelism);
        }
    }
}
