package io.chatkpi.jobs.e2e;

import io.chatkpi.jobs.combined.LandingAndKpisJob;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.ingest.stack.ClickHouseClient;
import io.chatkpi.ingest.stack.KafkaBroker;
import io.chatkpi.jobs.common.RuntimeOptions;
import io.chatkpi.jobs.kpi.KpiJob;
import io.chatkpi.jobs.kpi.KpiWatermarks;
import io.chatkpi.jobs.landing.RawEventsJob;
import io.chatkpi.jobs.landing.RawEventsJob.StartingOffsets;
import io.chatkpi.jobs.landing.RawRecord;
import io.chatkpi.jobs.sink.ClickHouseSinkOptions;
import io.chatkpi.testing.ClickHouseTestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The production landing and KPI jobs ({@link RawEventsJob#build}, {@link KpiJob#build}: unbounded Kafka sources,
 * ClickHouse and Kafka sinks, checkpointing and restart strategy of {@link RuntimeOptions}) submitted to the test's
 * MiniCluster against the test's broker and database; waits until ClickHouse holds what is expected, then cancels.
 */
final class StreamingJobs implements AutoCloseable {

    /** Generous: a deadline against hanging, not a speed assertion (speed is the benchmarks' job). */
    static final Duration DEADLINE = Duration.ofMinutes(3);
    private static final long POLL_MS = 500;

    /**
     * One streaming setup: topics named after {@code name}, so tests sharing the broker never meet.
     *
     * @param idleness the watermark idleness of the KPI source (the production default unless a test needs less)
     */
    record Setup(KafkaBroker kafka, ClickHouseTestDatabase db, String name, int partitions, int parallelism,
            RuntimeOptions runtime, Duration idleness) {

        static Setup of(KafkaBroker kafka, ClickHouseTestDatabase db, String name, int partitions, int parallelism) {
            return new Setup(kafka, db, name, partitions, parallelism,
                    RuntimeOptions.defaults().withCheckpointInterval(2_000).withParallelism(parallelism),
                    KpiWatermarks.DEFAULT_IDLENESS);
        }

        Setup withRuntime(RuntimeOptions r) {
            return new Setup(kafka, db, name, partitions, parallelism, r.withParallelism(parallelism), idleness);
        }

        Setup withParallelism(int p) {
            return new Setup(kafka, db, name, partitions, p, runtime.withParallelism(p), idleness);
        }

        String topic() {
            return name + "-session-events";
        }

        String ewtTopic() {
            return name + "-queue-ewt";
        }

        void createTopics() {
            kafka.createTopic(topic(), partitions, false);
            kafka.createTopic(name + "-dlq", 1, false);
            kafka.createTopic(ewtTopic(), 1, true);
        }

        ClickHouseSinkOptions clickhouse() {
            return ClickHouseSinkOptions.of(db.url(), db.database());
        }

        RawEventsJob.Options landing() {
            return RawEventsJob.Options.of(kafka.bootstrapServers(), clickhouse())
                    .withTopics(topic(), name + "-dlq")
                    .withGroupId(name + "-landing")
                    .withStartingOffsets(StartingOffsets.EARLIEST)
                    .withRuntime(runtime);
        }

        KpiJob.Options kpis() {
            return KpiJob.Options.of(kafka.bootstrapServers(), clickhouse())
                    .withTopics(topic(), ewtTopic())
                    .withGroupId(name + "-kpis")
                    .withStartingOffsets(StartingOffsets.EARLIEST)
                    .withIdleness(idleness)
                    .withRuntime(runtime);
        }
    }

    /** A MiniCluster of {@code taskManagers} × 2 slots whose metrics {@code metrics} keeps for the test to read. */
    static MiniClusterExtension miniCluster(int taskManagers, InMemoryReporter metrics) {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(taskManagers)
                .setNumberSlotsPerTaskManager(2)
                .setConfiguration(metrics.addToConfiguration(new Configuration()))
                .build());
    }

    private final List<JobClient> jobs = new ArrayList<>();

    /** The landing job as in production. */
    JobClient startLanding(Setup setup) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        RawEventsJob.build(env, setup.landing());
        return submit(env, RawEventsJob.JOB_NAME);
    }

    /** The landing job with {@code tap} between its source and its graph (the same graph as {@link RawEventsJob#build}). */
    JobClient startLanding(Setup setup, UnaryOperator<DataStream<RawRecord>> tap) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        RawEventsJob.Options options = setup.landing();
        options.runtime().applyTo(env);
        RawEventsJob.landToSinks(tap.apply(RawEventsJob.rawRecords(env, options)), options);
        return submit(env, RawEventsJob.JOB_NAME);
    }

    /** The KPI job as in production. */
    JobClient startKpis(Setup setup) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        KpiJob.build(env, setup.kpis());
        return submit(env, KpiJob.JOB_NAME);
    }

    /** The KPI job with {@code tap} between its source and its graph (the same graph as {@link KpiJob#build}). */
    JobClient startKpis(Setup setup, UnaryOperator<DataStream<SessionEvent>> tap) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        KpiJob.Options options = setup.kpis();
        options.runtime().applyTo(env);
        KpiJob.kpisToSinks(tap.apply(KpiJob.events(env, options)), options);
        return submit(env, KpiJob.JOB_NAME);
    }

    /**
     * {@link LandingAndKpisJob#build} restored from {@code savepoint}, the state of operators it does not have left
     * behind ({@code --allowNonRestoredState} of {@code flink run}).
     */
    JobClient startLandingAndKpisFrom(String savepoint, LandingAndKpisJob.Options options) throws Exception {
        Configuration restore = new Configuration();
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        restore.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, true);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(restore);
        LandingAndKpisJob.build(env, options);
        return submit(env, LandingAndKpisJob.JOB_NAME);
    }

    /** The landing and the KPIs as one job over one read of the topic ({@link LandingAndKpisJob#build}). */
    JobClient startLandingAndKpis(Setup setup) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        String group = setup.name() + "-one-read";
        LandingAndKpisJob.build(env, new LandingAndKpisJob.Options(setup.landing().withGroupId(group),
                setup.kpis().withGroupId(group)));
        return submit(env, LandingAndKpisJob.JOB_NAME);
    }

    private JobClient submit(StreamExecutionEnvironment env, String name) throws Exception {
        JobClient job = env.executeAsync(name);
        jobs.add(job);
        return job;
    }

    /**
     * Polls until the tables hold exactly {@code expected} (cheap counts first, then the whole rows) and returns what
     * they hold; fails with the differences at the deadline, or at once if a job ends.
     */
    TableRows awaitRows(ClickHouseClient client, TableRows expected) throws Exception {
        return awaitRows(client, expected, this::checkRunning);
    }

    /** {@link #awaitRows(ClickHouseClient, TableRows)} for jobs running elsewhere: {@code jobsRunning} throws if not. */
    static TableRows awaitRows(ClickHouseClient client, TableRows expected, RunningCheck jobsRunning)
            throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            jobsRunning.check();
            if (TableRows.counts(client, expected.tables()).equals(expected.counts())) {
                TableRows rows = TableRows.read(client, expected.tables());
                if (rows.differencesFrom(expected) == null) {
                    return rows;
                }
            }
            if (System.nanoTime() > deadline) {
                String diff = TableRows.read(client, expected.tables()).differencesFrom(expected);
                throw new AssertionError("ClickHouse did not reach the expected rows within " + DEADLINE + ":" + diff);
            }
            Thread.sleep(POLL_MS);
        }
    }

    /** Throws when a job that should be running is not. */
    @FunctionalInterface
    interface RunningCheck {
        void check() throws Exception;
    }

    /** Polls until {@code condition} holds; fails at the deadline, or at once if a job ends. */
    void await(String what, BooleanSupplier condition) throws Exception {
        await(what, condition, this::checkRunning);
    }

    /** {@link #await(String, BooleanSupplier)} for jobs running elsewhere: {@code jobsRunning} throws if not. */
    static void await(String what, BooleanSupplier condition, RunningCheck jobsRunning) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            jobsRunning.check();
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + DEADLINE + ": " + what);
            }
            Thread.sleep(POLL_MS);
        }
    }

    private void checkRunning() throws Exception {
        for (JobClient job : jobs) {
            JobStatus status = job.getJobStatus().get();
            if (status.isGloballyTerminalState()) {
                job.getJobExecutionResult().get(); // throws the job's failure
                throw new AssertionError("a streaming job ended on its own: " + status);
            }
        }
    }

    /** Cancels every job started here and waits until each has stopped. */
    void cancelAll() throws Exception {
        for (JobClient job : jobs) {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get(60, TimeUnit.SECONDS);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (JobClient job : jobs) {
            while (!job.getJobStatus().get().isGloballyTerminalState()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("a streaming job did not stop after cancel");
                }
                Thread.sleep(100);
            }
        }
        jobs.clear();
    }

    @Override
    public void close() throws Exception {
        cancelAll();
    }
}
