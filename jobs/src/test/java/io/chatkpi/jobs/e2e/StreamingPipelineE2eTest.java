package io.chatkpi.jobs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatkpi.ingest.event.EventCodec;
import io.chatkpi.ingest.event.EventType;
import io.chatkpi.ingest.event.Sender;
import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.ingest.kafka.EventProducer;
import io.chatkpi.ingest.stack.ClickHouseClient;
import io.chatkpi.ingest.stack.KafkaBroker;
import io.chatkpi.ingest.stack.SqlLiteral;
import io.chatkpi.jobs.kpi.SessionKpiFunction;
import io.chatkpi.testing.ClickHouseExtension;
import io.chatkpi.testing.ClickHouseTestDatabase;
import io.chatkpi.testing.KafkaExtension;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatkpi.ingest.ewt.EwtCalculator;
import io.chatkpi.ingest.ewt.EwtFigures;
import io.chatkpi.ingest.ewt.EwtSnapshot;
import io.chatkpi.ingest.ewt.EwtSnapshotJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3's end-to-end test, all real: simulated traffic (duplicates and invalid lines included) through the ingest
 * producer into a 4-partition Kafka topic, the landing and KPI jobs as deployed (unbounded Kafka sources,
 * checkpointing) on a MiniCluster, ClickHouse. Every table the jobs write ends up holding exactly the rows the
 * replay of the same lines gives: sessions, kpi_facts (the rollups' facts), kpi_rollup (also equal to
 * kpi_rollup_rebuild.sql over the final kpi_facts), queue_ewt, ewt_accuracy, session_events and rejected_events; the compacted queue-ewt topic carries the live EWT, which settles on the
 * exact figures of queue_ewt.
 */
@ExtendWith({KafkaExtension.class, ClickHouseExtension.class})
class StreamingPipelineE2eTest {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = StreamingJobs.miniCluster(1, METRICS);

    private static final int PARTITIONS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void clickHouseHoldsWhatTheReplayOfTheSameEventsGives(KafkaBroker kafka, ClickHouseTestDatabase db,
            @TempDir Path dir) throws Exception {
        SimulatedTraffic traffic = SimulatedTraffic.standard();
        TableRows expected = ReplayExpectation.of(traffic, db, dir);
        assertThat(traffic.duplicates()).as("duplicates in the input").isPositive();
        assertThat(traffic.invalidLines()).as("invalid lines in the input").isPositive();
        expected.counts().forEach((table, n) -> assertThat(n).as("expected rows of %s", table).isPositive());

        StreamingJobs.Setup setup = StreamingJobs.Setup.of(kafka, db, "e2e", PARTITIONS, 1);
        setup.createTopics();
        traffic.send(kafka, setup.topic(), 0, traffic.size());
        traffic.sendEndOfTraffic(kafka, setup.topic(), PARTITIONS, SimulatedTraffic.allPartitions(PARTITIONS));

        ClickHouseClient ch = db.client();
        try (StreamingJobs jobs = new StreamingJobs()) {
            long started = System.nanoTime();
            jobs.startLanding(setup);
            JobClient kpis = jobs.startKpis(setup);
            jobs.awaitRows(ch, expected);
            System.out.printf("e2e: %d lines (%d duplicates, %d invalid) -> %s in ClickHouse, equal to the replay,"
                            + " %.1f s after submission%n", traffic.size(), traffic.duplicates(),
                    traffic.invalidLines(), expected, (System.nanoTime() - started) / 1e9);

            assertThat(RollupRebuild.differences(ch, db.database())).isNull();

            // every redelivery was dropped by the KPI job as a duplicate, none counted as late
            JobID kpiJob = kpis.getJobID();
            assertThat(counterSum(kpiJob, SessionKpiFunction.DUPLICATE_EVENTS_METRIC)).isEqualTo(traffic.duplicates());
            assertThat(counterSum(kpiJob, SessionKpiFunction.LATE_EVENTS_METRIC)).isZero();

            ewtTopicCarriesTheLiveEwt(jobs, kafka, setup, expected);
            lateEventRewritesItsSessionAndIsCounted(jobs, kafka, setup, traffic, ch, kpiJob, expected);
        }
    }

    /**
     * An event far behind the watermark (which the end-of-traffic events moved an hour past the traffic): it still
     * updates its session (the row is rewritten with one more event) and counts in the lateEvents metric; the EWT
     * history stays as it was.
     */
    private static void lateEventRewritesItsSessionAndIsCounted(StreamingJobs jobs, KafkaBroker kafka,
            StreamingJobs.Setup setup, SimulatedTraffic traffic, ClickHouseClient ch, JobID kpiJob, TableRows before)
            throws Exception {
        SessionEvent joined = traffic.events.stream()
                .filter(e -> e != null && e.type() == EventType.REP_JOINED)
                .reduce((a, b) -> b).orElseThrow();
        String where = " FROM sessions FINAL WHERE sessionId = " + SqlLiteral.string(joined.sessionId());
        JsonNode row = ch.queryJson("SELECT version, endUserMessages" + where).get(0);
        long version = row.get("version").asLong();
        long messages = row.get("endUserMessages").asLong();
        SessionEvent late = SessionEvent.of(joined.sessionId() + "-late", joined.sessionId(), EventType.MESSAGE,
                joined.ts() + 1).withSender(Sender.END_USER);
        try (EventProducer producer = new EventProducer(EventProducer.config(kafka.bootstrapServers()),
                setup.topic())) {
            producer.sendRaw(EventCodec.encode(late), late.sessionId());
            producer.flush();
        }
        jobs.await("the late event's session row", () -> ch.queryLong("SELECT version" + where) == version + 1);
        assertThat(ch.queryLong("SELECT endUserMessages" + where)).isEqualTo(messages + 1);
        assertThat(counterSum(kpiJob, SessionKpiFunction.LATE_EVENTS_METRIC)).isEqualTo(1);
        assertThat(TableRows.read(ch).rows(TableRows.Table.QUEUE_EWT))
                .as("EWT history is not rewritten by a late event")
                .isEqualTo(before.rows(TableRows.Table.QUEUE_EWT));
    }

    /**
     * The compacted {@code queue-ewt} topic the API serves from carries the live EWT (provisional queue waits at
     * once, then confirmed or withdrawn by the exact path), so it is not {@code queue_ewt} change for change. What
     * holds: every record is keyed by its queue, its figures are the EWT of the samples it carries, its asOf never
     * goes back within a queue; once the provisional samples are settled the live figures are the exact ones: the
     * last snapshot of each queue that still holds samples shows the figures {@code queue_ewt} has in force at its
     * asOf, and the last snapshot of each queue equals the last {@code queue_ewt} change of that queue.
     */
    private static void ewtTopicCarriesTheLiveEwt(StreamingJobs jobs, KafkaBroker kafka, StreamingJobs.Setup setup,
            TableRows expected) throws Exception {
        Map<String, TreeMap<Long, String>> exactByQueue = new HashMap<>();
        for (String row : expected.rows(TableRows.Table.QUEUE_EWT)) {
            JsonNode n = JSON.readTree(row);
            exactByQueue.computeIfAbsent(n.get("queueId").asText(), q -> new TreeMap<>()).put(n.get("asOfMs").asLong(),
                    String.join("|", n.get("estimatedWaitMs").asText(), n.get("meanWaitMs").asText(),
                            n.get("p50WaitMs").asText(), n.get("p90WaitMs").asText(), n.get("sampleSize").asText()));
        }
        EwtCalculator calculator = EwtCalculator.defaults();
        Map<String, EwtSnapshot> last = new HashMap<>();
        Map<String, EwtSnapshot> lastWithSamples = new HashMap<>();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, setup.name() + "-ewt-reader");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(setup.ewtTopic()));
            jobs.await("the live EWT on " + setup.ewtTopic() + " settled on the exact EWT", () -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    EwtSnapshot s = EwtSnapshotJson.decode(new String(r.value(), StandardCharsets.UTF_8));
                    assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(s.queueId());
                    assertThat(s.figures()).isEqualTo(calculator.figures(s.samples()));
                    EwtSnapshot before = last.put(s.queueId(), s);
                    if (before != null) assertThat(s.asOfMs()).isGreaterThanOrEqualTo(before.asOfMs());
                    if (!s.samples().isEmpty()) lastWithSamples.put(s.queueId(), s);
                }
                return last.keySet().equals(exactByQueue.keySet()) && exactByQueue.entrySet().stream().allMatch(
                        e -> figures(last.get(e.getKey())).equals(e.getValue().lastEntry().getValue()));
            });
        }
        for (Map.Entry<String, TreeMap<Long, String>> e : exactByQueue.entrySet()) {
            EwtSnapshot settled = lastWithSamples.get(e.getKey());
            assertThat(settled).as("a live snapshot with samples for %s", e.getKey()).isNotNull();
            assertThat(figures(settled)).as("the live EWT of %s once settled", e.getKey())
                    .isEqualTo(e.getValue().floorEntry(settled.asOfMs()).getValue());
            assertThat(last.get(e.getKey()).asOfMs()).isGreaterThanOrEqualTo(e.getValue().lastKey());
        }
    }

    private static String figures(EwtSnapshot s) {
        EwtFigures f = s.figures();
        return String.join("|", text(f.estimatedWaitMs()), text(f.meanWaitMs()), text(f.p50WaitMs()),
                text(f.p90WaitMs()), Integer.toString(f.sampleSize()));
    }

    private static String text(Long v) {
        return v == null ? "null" : v.toString();
    }

    /** A counter summed over the subtasks of the job's operators that register it. */
    private static long counterSum(JobID job, String name) {
        return counterSum(METRICS, job, name);
    }

    /** The sum of a counter over every subtask of {@code job} that has it. */
    static long counterSum(InMemoryReporter metrics, JobID job, String name) {
        return metrics.findMetrics(job, name).entrySet().stream()
                .filter(e -> e.getKey().endsWith("." + name) && e.getValue() instanceof Counter)
                .mapToLong(e -> ((Counter) e.getValue()).getCount())
                .sum();
    }
}
