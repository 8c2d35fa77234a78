package io.chatkpi.jobs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatkpi.ingest.event.EventType;
import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.ingest.stack.ClickHouseClient;
import io.chatkpi.ingest.stack.KafkaBroker;
import io.chatkpi.jobs.kpi.KpiJob;
import io.chatkpi.jobs.kpi.QueueSignal;
import io.chatkpi.jobs.kpi.RollupRowChange;
import io.chatkpi.jobs.kpi.RollupRowDelta;
import io.chatkpi.testing.ClickHouseExtension;
import io.chatkpi.testing.ClickHouseTestDatabase;
import io.chatkpi.testing.KafkaExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.Set;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.groups.OperatorMetricGroup;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6's scale-out test: the landing and KPI jobs at parallelism 4 on a MiniCluster of 2 TaskManagers (2 slots
 * each) over a 4-partition topic give exactly the rows that the replay gives, and so exactly those of the
 * parallelism-1 run of StreamingPipelineE2eTest (same traffic, same expected rows). With 4 slots the jobs run one
 * after the other, each over the whole topic.
 *
 * <p>Time goes on in one partition only here (the end-of-traffic event goes to partition 0): the KPI results are
 * complete only if the three silent partitions, and the source subtasks reading them, stop holding the watermark
 * back (idleness).
 */
@ExtendWith({KafkaExtension.class, ClickHouseExtension.class})
class ScaleOutE2eTest {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = StreamingJobs.miniCluster(2, METRICS);

    static final int PARTITIONS = 4;
    static final int PARALLELISM = 4;

    @Test
    void parallelismFourOnTwoTaskManagersGivesTheSameRows(KafkaBroker kafka, ClickHouseTestDatabase db,
            @TempDir Path dir) throws Exception {
        SimulatedTraffic traffic = SimulatedTraffic.standard();
        TableRows expected = ReplayExpectation.of(traffic, db, dir);

        StreamingJobs.Setup setup = StreamingJobs.Setup.of(kafka, db, "scale-out", PARTITIONS, PARALLELISM);
        setup.createTopics();
        traffic.send(kafka, setup.topic(), 0, traffic.size());
        traffic.sendEndOfTraffic(kafka, setup.topic(), PARTITIONS, Set.of(0));

        ClickHouseClient ch = db.client();
        long started = System.nanoTime();
        try (StreamingJobs jobs = new StreamingJobs()) {
            jobs.startLanding(setup);
            jobs.awaitRows(ch, expected.only(TableRows.LANDING));
            jobs.cancelAll();
        }
        double landingSeconds = (System.nanoTime() - started) / 1e9;
        started = System.nanoTime();
        JobID kpiJob;
        try (StreamingJobs jobs = new StreamingJobs()) {
            kpiJob = jobs.startKpis(setup).getJobID();
            jobs.awaitRows(ch, expected.only(TableRows.KPIS));
            // kpi_rollup_coarse follows kpi_rollup a poll later: seen complete before the jobs are cancelled
            assertThat(RollupRebuild.differences(ch, db.database())).isNull();
        }
        double kpiSeconds = (System.nanoTime() - started) / 1e9;
        assertThat(TableRows.read(ch).differencesFrom(expected)).isNull();
        assertThat(RollupRebuild.differences(ch, db.database())).isNull();

        // at run time too, each subtask got exactly the sessions and the queues whose keys are assigned to it
        Map<Integer, Long> eventsBySubtask = sessionEventsBySubtask(traffic);
        assertThat(eventsBySubtask).as("the traffic's sessions spread over every subtask").hasSize(PARALLELISM);
        assertThat(recordsInBySubtask(kpiJob, "session KPIs")).isEqualTo(eventsBySubtask);
        assertThat(recordsInBySubtask(kpiJob, "queue EWT").keySet()).isEqualTo(queueSubtasks(traffic));
        System.out.printf("scale-out: parallelism %d on 2 TaskManagers x 2 slots, %d partitions: %s in ClickHouse,"
                        + " equal to the replay (landing job %.1f s, KPI job %.1f s incl. %d s idleness, each from"
                        + " submission to cancelled); session KPI events per subtask %s%n", PARALLELISM, PARTITIONS,
                expected, landingSeconds, kpiSeconds, setup.idleness().toSeconds(), eventsBySubtask);
    }

    /** Events per subtask of the session operator: every valid event of a session goes where its key is assigned. */
    static Map<Integer, Long> sessionEventsBySubtask(SimulatedTraffic traffic) {
        int maxParallelism = KeyGroupRangeAssignment.computeDefaultMaxParallelism(PARALLELISM);
        Map<Integer, Long> eventsBySubtask = new TreeMap<>();
        for (SessionEvent e : traffic.events) {
            if (e != null) {
                eventsBySubtask.merge(subtaskOf(e.sessionId(), maxParallelism), 1L, Long::sum);
            }
        }
        SessionEvent endOfTraffic = traffic.endOfTraffic(PARTITIONS, Set.of(0)).get(0);
        eventsBySubtask.merge(subtaskOf(endOfTraffic.sessionId(), maxParallelism), 1L, Long::sum);
        return eventsBySubtask;
    }

    /** The subtasks of the queue operator that the traffic's queues are assigned to. */
    static Set<Integer> queueSubtasks(SimulatedTraffic traffic) {
        int maxParallelism = KeyGroupRangeAssignment.computeDefaultMaxParallelism(PARALLELISM);
        Set<Integer> queueSubtasks = new TreeSet<>();
        for (SessionEvent e : traffic.events) {
            if (e != null && e.queueId() != null) {
                queueSubtasks.add(subtaskOf(e.queueId(), maxParallelism));
            }
        }
        return queueSubtasks;
    }

    private static int subtaskOf(String key, int maxParallelism) {
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(key, maxParallelism, PARALLELISM);
    }

    /** Records into each subtask of an operator, for the subtasks that had any. */
    private static Map<Integer, Long> recordsInBySubtask(JobID job, String operator) {
        return recordsInBySubtask(METRICS, job, operator);
    }

    static Map<Integer, Long> recordsInBySubtask(InMemoryReporter metrics, JobID job, String operator) {
        List<OperatorMetricGroup> subtasks = metrics.findOperatorMetricGroups(job, operator);
        assertThat(subtasks).as("subtasks of %s", operator).hasSize(PARALLELISM);
        Map<Integer, Long> records = new TreeMap<>();
        for (OperatorMetricGroup subtask : subtasks) {
            long n = subtask.getIOMetricGroup().getNumRecordsInCounter().getCount();
            if (n > 0) {
                records.put(Integer.parseInt(subtask.getAllVariables().get("<subtask_index>")), n);
            }
        }
        return records;
    }

    /** Sessions are partitioned by sessionId, the EWT by queueId, kpi_rollup by row: the keys of the production graph. */
    @Test
    void keyedOperatorsAreKeyedBySessionAndByQueue(KafkaBroker kafka, ClickHouseTestDatabase db) throws Exception {
        StreamingJobs.Setup setup = StreamingJobs.Setup.of(kafka, db, "scale-out-keys", PARTITIONS, PARALLELISM);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        KpiJob.build(env, setup.kpis());
        StreamGraph graph = env.getStreamGraph();

        SessionEvent event = SessionEvent.of("e-1", "session-1", EventType.QUEUED, 1_000).withQueueId("billing");
        StreamNode sessions = node(graph, "session KPIs");
        assertThat(key(sessions, event)).isEqualTo("session-1");
        assertThat(sessions.getParallelism()).isEqualTo(PARALLELISM);

        QueueSignal signal = SimulatedTraffic.standard().events.stream()
                .filter(e -> e != null && e.type() == EventType.QUEUED).findFirst()
                .map(e -> QueueSignal.entered(e.queueId(), e.sessionId(), e.ts(), e.eventId())).orElseThrow();
        StreamNode ewt = node(graph, "queue EWT");
        assertThat(key(ewt, signal)).isEqualTo(signal.queueId());
        assertThat(ewt.getParallelism()).isEqualTo(PARALLELISM);

        RollupRowDelta change = RollupRowDelta.of(new RollupRowChange(1, 0, "billing", "", "QUEUED", "", false, 1, null));
        StreamNode rollup = node(graph, "kpi_rollup");
        assertThat(key(rollup, change)).isEqualTo(change.rowKey());
        assertThat(rollup.getParallelism()).isEqualTo(PARALLELISM);
    }

    private static StreamNode node(StreamGraph graph, String name) {
        return graph.getStreamNodes().stream().filter(n -> n.getOperatorName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no operator named " + name));
    }

    @SuppressWarnings("unchecked")
    private static Object key(StreamNode node, Object record) throws Exception {
        KeySelector<Object, ?>[] selectors = (KeySelector<Object, ?>[]) node.getStatePartitioners();
        assertThat(selectors).as("key selectors of %s", node.getOperatorName()).hasSize(1);
        return selectors[0].getKey(record);
    }
}
