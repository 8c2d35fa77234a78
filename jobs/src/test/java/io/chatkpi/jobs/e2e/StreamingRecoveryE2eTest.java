package io.chatkpi.jobs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.ingest.stack.ClickHouseClient;
import io.chatkpi.ingest.stack.KafkaBroker;
import io.chatkpi.jobs.common.RuntimeOptions;
import io.chatkpi.jobs.landing.RawRecord;
import io.chatkpi.testing.ClickHouseExtension;
import io.chatkpi.testing.ClickHouseTestDatabase;
import io.chatkpi.testing.KafkaExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.CheckpointType;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3's recovery test: the landing and KPI jobs fail mid-stream, the restart strategy restarts them from their
 * last checkpoint, and ClickHouse ends up with exactly the rows of an uninterrupted run (the replay of the same
 * lines, which the uninterrupted run of StreamingPipelineE2eTest equals): nothing lost, nothing counted twice.
 *
 * <p>To make "mid-stream" exact rather than a matter of timing, the traffic goes in three parts and the checkpoint
 * is taken by the test (periodic checkpoints are pushed an hour away): part A is sent and consumed, checkpoint C
 * is taken; part B is sent and consumed, and its rows (written after C) are in ClickHouse; then part C is sent and
 * both jobs fail at its first event. They come back from checkpoint C, so the whole of part B is processed and
 * written a second time; the tables must not show it. kpi_rollup included: its rows are written only as a completed
 * checkpoint holds them (KpiRollupFunction), so the part-B rows written before the failure are never newer than
 * checkpoint C, whatever other intermediate facts the replayed part B gives.
 */
@ExtendWith({KafkaExtension.class, ClickHouseExtension.class})
class StreamingRecoveryE2eTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(2)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static final int PARTITIONS = 4;
    private static final int PARALLELISM = 2;
    /** Longer than the test: the only checkpoint taken is the test's own (the first periodic one waits this long). */
    private static final long NO_PERIODIC_CHECKPOINTS_MS = Duration.ofHours(1).toMillis();

    @Test
    void jobsFailingMidStreamRestartFromTheirCheckpointAndLoseOrRepeatNothing(KafkaBroker kafka,
            ClickHouseTestDatabase db, @TempDir Path dir, @InjectClusterClient ClusterClient<?> cluster)
            throws Exception {
        SimulatedTraffic traffic = SimulatedTraffic.standard();
        TableRows expected = ReplayExpectation.of(traffic, db, dir);
        int partB = traffic.size() * 4 / 10;
        int partC = traffic.firstValidLineFrom(traffic.size() * 7 / 10);
        String failAt = traffic.events.get(partC).eventId();

        StreamingJobs.Setup setup = StreamingJobs.Setup.of(kafka, db, "recovery", PARTITIONS, PARALLELISM)
                .withRuntime(new RuntimeOptions(NO_PERIODIC_CHECKPOINTS_MS, 3, 200, PARALLELISM));
        setup.createTopics();
        InjectedFailure<RawRecord> landingFailure = InjectedFailure.once("recovery-landing",
                r -> r.value() != null && new String(r.value(), StandardCharsets.UTF_8)
                        .contains("\"eventId\":\"" + failAt + "\""));
        InjectedFailure<SessionEvent> kpiFailure = InjectedFailure.once("recovery-kpis",
                e -> e.eventId().equals(failAt));
        InjectedFailure.History landing = InjectedFailure.history("recovery-landing");
        InjectedFailure.History kpi = InjectedFailure.history("recovery-kpis");

        ClickHouseClient ch = db.client();
        long started = System.nanoTime();
        try (StreamingJobs jobs = new StreamingJobs()) {
            JobClient landingJob = jobs.startLanding(setup, raw -> noPeriodicCheckpoints(raw)
                    .map(landingFailure).name("injected failure").uid("recovery-landing-failure"));
            JobClient kpiJob = jobs.startKpis(setup, events -> noPeriodicCheckpoints(events)
                    .map(kpiFailure).name("injected failure").uid("recovery-kpi-failure"));

            // part A, consumed by both jobs, then the checkpoint
            traffic.send(kafka, setup.topic(), 0, partB);
            awaitConsumed(jobs, ch, traffic, 0, partB, landing, kpi);
            long landingCheckpoint = cluster.triggerCheckpoint(landingJob.getJobID(), CheckpointType.FULL).get();
            long kpiCheckpoint = cluster.triggerCheckpoint(kpiJob.getJobID(), CheckpointType.FULL).get();
            long sessionsAtCheckpoint = ch.queryLong("SELECT count() FROM sessions FINAL");
            long factsAtCheckpoint = ch.queryLong("SELECT count() FROM kpi_facts");

            // part B, consumed, and the KPI job's rows of it written after the checkpoint
            traffic.send(kafka, setup.topic(), partB, partC);
            awaitConsumed(jobs, ch, traffic, 0, partC, landing, kpi);
            jobs.await("KPI rows written after the checkpoint",
                    () -> ch.queryLong("SELECT count() FROM sessions FINAL") > sessionsAtCheckpoint
                            && ch.queryLong("SELECT count() FROM kpi_facts") > factsAtCheckpoint);
            assertThat(landing.failed).as("no failure before part C").isFalse();
            assertThat(kpi.failed).as("no failure before part C").isFalse();

            // part C: both jobs fail at its first event, restart from the checkpoint, and finish
            traffic.send(kafka, setup.topic(), partC, traffic.size());
            traffic.sendEndOfTraffic(kafka, setup.topic(), PARTITIONS, SimulatedTraffic.allPartitions(PARTITIONS));
            // kpi_rollup is written from checkpointed content only, and no periodic checkpoint comes: once every
            // fact is written (so every fact change has passed the session operator), one checkpoint holds them all
            jobs.awaitRows(ch, expected.only(EnumSet.complementOf(EnumSet.of(TableRows.Table.KPI_ROLLUP))));
            cluster.triggerCheckpoint(kpiJob.getJobID(), CheckpointType.FULL).get();
            jobs.awaitRows(ch, expected);
            // kpi_rollup_coarse follows kpi_rollup a poll later: seen complete before the jobs are cancelled
            assertThat(RollupRebuild.differences(ch, db.database())).isNull();

            assertThat(landing.failed).as("the landing job failed").isTrue();
            assertThat(kpi.failed).as("the KPI job failed").isTrue();
            assertThat(landing.restoredFromCheckpoints).containsExactly(landingCheckpoint);
            assertThat(kpi.restoredFromCheckpoints).containsExactly(kpiCheckpoint);
            System.out.printf("recovery: failed at line %d of %d, restarted from checkpoints %d (landing) and %d"
                            + " (KPIs) taken at line %d; %s in ClickHouse, equal to the replay, %.1f s after"
                            + " submission; rows stored before FINAL (re-sent ones not yet merged away):"
                            + " session_events %d, kpi_facts %d, ewt_accuracy %d%n", partC, traffic.size(),
                    landingCheckpoint, kpiCheckpoint, partB, expected, (System.nanoTime() - started) / 1e9,
                    ch.queryLong("SELECT count() FROM session_events"), ch.queryLong("SELECT count() FROM kpi_facts"),
                    ch.queryLong("SELECT count() FROM ewt_accuracy"));
        }
        // nothing arrived after the equality was seen, up to the cancel
        assertThat(TableRows.read(ch).differencesFrom(expected)).isNull();
        assertThat(RollupRebuild.differences(ch, db.database())).isNull();
    }

    /** Both jobs have read lines [from, to): every landed row is in ClickHouse, every event passed the KPI source. */
    private static void awaitConsumed(StreamingJobs jobs, ClickHouseClient ch, SimulatedTraffic traffic, int from,
            int to, InjectedFailure.History landing, InjectedFailure.History kpi) throws Exception {
        long events = traffic.distinctEventIds(from, to).size();
        long invalid = traffic.invalidLines(from, to);
        long validLines = (to - from) - invalid;
        jobs.await("lines " + from + "-" + to + " consumed",
                () -> landing.records.get() >= to - from
                        && kpi.records.get() >= validLines
                        && ch.queryLong("SELECT uniqExact(eventId) FROM session_events") >= events
                        && ch.queryLong("SELECT uniqExact(rejectId) FROM rejected_events") >= invalid);
    }

    private static <T> DataStream<T> noPeriodicCheckpoints(DataStream<T> stream) {
        // the first periodic checkpoint is due after a random delay between the minimum pause and the interval
        stream.getExecutionEnvironment().getCheckpointConfig().setMinPauseBetweenCheckpoints(NO_PERIODIC_CHECKPOINTS_MS);
        return stream;
    }
}
