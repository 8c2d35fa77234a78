package io.chatkpi.jobs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatkpi.ingest.stack.ClickHouseClient;
import io.chatkpi.ingest.stack.KafkaBroker;
import io.chatkpi.jobs.combined.LandingAndKpisJob;
import io.chatkpi.jobs.kpi.SessionKpiFunction;
import io.chatkpi.testing.ClickHouseExtension;
import io.chatkpi.testing.ClickHouseTestDatabase;
import io.chatkpi.testing.KafkaExtension;
import java.nio.file.Path;
import java.util.Set;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one job that lands the events and computes the KPIs from one read of the topic ({@link LandingAndKpisJob}),
 * as deployed (unbounded Kafka source, checkpoints) at parallelism 4 on 2 TaskManagers over a 4-partition topic,
 * with time going on in one partition only (idleness): every table ends up with exactly the replay's rows, as
 * {@link StreamingPipelineE2eTest} and {@link ScaleOutE2eTest} show for the two jobs; redeliveries are dropped as
 * duplicates, nothing is late, and each subtask of the keyed operators gets the sessions and queues assigned to it.
 * A class of its own: the database is per class, and rejected_events keeps each topic's rejections apart.
 */
@ExtendWith({KafkaExtension.class, ClickHouseExtension.class})
class LandingAndKpisJobE2eTest {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = StreamingJobs.miniCluster(2, METRICS);

    @Test
    void atParallelismFourTheOneReadJobGivesTheReplaysRows(KafkaBroker kafka, ClickHouseTestDatabase db,
            @TempDir Path dir) throws Exception {
        SimulatedTraffic traffic = SimulatedTraffic.standard();
        TableRows expected = ReplayExpectation.of(traffic, db, dir);
        StreamingJobs.Setup setup = StreamingJobs.Setup.of(kafka, db, "one-read", ScaleOutE2eTest.PARTITIONS,
                ScaleOutE2eTest.PARALLELISM);
        setup.createTopics();
        traffic.send(kafka, setup.topic(), 0, traffic.size());
        traffic.sendEndOfTraffic(kafka, setup.topic(), ScaleOutE2eTest.PARTITIONS, Set.of(0));

        ClickHouseClient ch = db.client();
        long started = System.nanoTime();
        JobID job;
        try (StreamingJobs jobs = new StreamingJobs()) {
            job = jobs.startLandingAndKpis(setup).getJobID();
            jobs.awaitRows(ch, expected);
            // kpi_rollup_coarse follows kpi_rollup a poll later: seen complete before the job is cancelled
            assertThat(RollupRebuild.differences(ch, db.database())).isNull();
        }
        assertThat(TableRows.read(ch).differencesFrom(expected)).isNull();
        assertThat(StreamingPipelineE2eTest.counterSum(METRICS, job, SessionKpiFunction.DUPLICATE_EVENTS_METRIC))
                .isEqualTo(traffic.duplicates());
        assertThat(StreamingPipelineE2eTest.counterSum(METRICS, job, SessionKpiFunction.LATE_EVENTS_METRIC)).isZero();
        assertThat(ScaleOutE2eTest.recordsInBySubtask(METRICS, job, "session KPIs"))
                .isEqualTo(ScaleOutE2eTest.sessionEventsBySubtask(traffic));
        assertThat(ScaleOutE2eTest.recordsInBySubtask(METRICS, job, "queue EWT").keySet())
                .isEqualTo(ScaleOutE2eTest.queueSubtasks(traffic));
        System.out.printf("one read: LandingAndKpisJob at parallelism %d, %d partitions: %s in ClickHouse, equal to"
                        + " the replay, %.1f s from submission to cancelled%n", ScaleOutE2eTest.PARALLELISM,
                ScaleOutE2eTest.PARTITIONS, expected, (System.nanoTime() - started) / 1e9);
    }
}
