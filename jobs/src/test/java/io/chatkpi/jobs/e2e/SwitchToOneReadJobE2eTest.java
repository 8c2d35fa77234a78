package io.chatkpi.jobs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.ingest.stack.ClickHouseClient;
import io.chatkpi.ingest.stack.KafkaBroker;
import io.chatkpi.jobs.combined.LandingAndKpisJob;
import io.chatkpi.jobs.kpi.SessionKpiFunction;
import io.chatkpi.jobs.landing.RawEventsJob.StartingOffsets;
import io.chatkpi.testing.ClickHouseExtension;
import io.chatkpi.testing.ClickHouseTestDatabase;
import io.chatkpi.testing.KafkaExtension;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's way from the two jobs to the one-read job (Production, "Or both as one job"), for real on a MiniCluster:
 * the landing and KPI jobs read part A of the traffic and are stopped with savepoints (which commit their groups'
 * offsets); part B is sent while nothing runs; {@link LandingAndKpisJob} starts from the KPI job's savepoint (the
 * state of operators it does not have left behind) and from the landing group's committed offsets, which are at or
 * behind the KPI job's. ClickHouse must end up with exactly the replay's rows, and the new job must not have read
 * part A again (it drops no more duplicates than the traffic holds): then the sessions open across the switch are
 * right only because the session state came over.
 */
@ExtendWith({KafkaExtension.class, ClickHouseExtension.class})
class SwitchToOneReadJobE2eTest {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = StreamingJobs.miniCluster(1, METRICS);

    private static final int PARTITIONS = 2;

    @Test
    void aKpiJobSavepointCarriesItsSessionsIntoTheOneReadJob(KafkaBroker kafka, ClickHouseTestDatabase db,
            @TempDir Path dir) throws Exception {
        SimulatedTraffic traffic = SimulatedTraffic.standard();
        TableRows expected = ReplayExpectation.of(traffic, db, dir);
        int partB = traffic.size() / 2;
        long sessionsAcrossTheSwitch = FlinkRunOnStandaloneClusterIT.sessionsAcross(traffic, partB);
        assertThat(sessionsAcrossTheSwitch).as("sessions open at the switch").isPositive();

        StreamingJobs.Setup setup = StreamingJobs.Setup.of(kafka, db, "switch", PARTITIONS, 1);
        setup.createTopics();
        InjectedFailure<SessionEvent> kpiTap = InjectedFailure.once("switch-kpis", e -> false);
        InjectedFailure.History kpiRead = InjectedFailure.history("switch-kpis");

        ClickHouseClient ch = db.client();
        String savepoint;
        try (StreamingJobs jobs = new StreamingJobs()) {
            JobClient landing = jobs.startLanding(setup);
            JobClient kpis = jobs.startKpis(setup, events -> events.map(kpiTap).name("records read")
                    .uid("switch-kpi-records-read"));
            traffic.send(kafka, setup.topic(), 0, partB);
            long validInPartA = partB - traffic.invalidLines(0, partB);
            long eventsInPartA = traffic.distinctEventIds(0, partB).size();
            jobs.await("part A read by both jobs", () -> kpiRead.records.get() >= validInPartA
                    && ch.queryLong("SELECT uniqExact(eventId) FROM session_events") >= eventsInPartA);
            // the new job reads from the landing group's offsets, committed by its checkpoints: part A's
            jobs.await("the landing group's offsets committed at the end of part A",
                    () -> committed(kafka, setup.landing().groupId()) == partB);
            stop(landing, dir);
            savepoint = stop(kpis, dir);
        }

        traffic.send(kafka, setup.topic(), partB, traffic.size());
        traffic.sendEndOfTraffic(kafka, setup.topic(), PARTITIONS, SimulatedTraffic.allPartitions(PARTITIONS));
        LandingAndKpisJob.Options oneRead = new LandingAndKpisJob.Options(
                setup.landing().withStartingOffsets(StartingOffsets.COMMITTED),
                setup.kpis().withGroupId(setup.landing().groupId()).withStartingOffsets(StartingOffsets.COMMITTED));
        try (StreamingJobs jobs = new StreamingJobs()) {
            JobClient job = jobs.startLandingAndKpisFrom(savepoint, oneRead);
            jobs.awaitRows(ch, expected);
            assertThat(RollupRebuild.differences(ch, db.database())).isNull();
            long duplicates = StreamingPipelineE2eTest.counterSum(METRICS, job.getJobID(),
                    SessionKpiFunction.DUPLICATE_EVENTS_METRIC);
            // part A was not read again (that would be ~5,700 duplicates, and would give the right rows even without
            // the savepoint's sessions): the sessions open across the switch came over in the state
            assertThat(duplicates).as("events dropped as duplicates by the one-read job")
                    .isLessThanOrEqualTo(traffic.duplicates());
            System.out.printf("switch: the KPI job stopped with a savepoint at line %d of %d (%d sessions open across"
                            + " it), LandingAndKpisJob restored from it and read from the landing group's offsets;"
                            + " %s in ClickHouse, equal to the replay; duplicates dropped by the one-read job %d%n",
                    partB, traffic.size(), sessionsAcrossTheSwitch, expected, duplicates);
        }
        assertThat(TableRows.read(ch).differencesFrom(expected)).isNull();
    }

    /** The records before the group's committed offsets, over every partition. */
    private static long committed(KafkaBroker kafka, String group) {
        try {
            return kafka.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values()
                    .stream().mapToLong(o -> o.offset()).sum();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String stop(JobClient job, Path dir) throws Exception {
        return job.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                .get(StreamingJobs.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }
}
