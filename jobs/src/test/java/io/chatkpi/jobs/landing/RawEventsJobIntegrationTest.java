package io.chatkpi.jobs.landing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatkpi.ingest.event.Decoded;
import io.chatkpi.ingest.event.EventCodec;
import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.ingest.kafka.EventProducer;
import io.chatkpi.ingest.sim.SimulationSink;
import io.chatkpi.ingest.sim.SimulatorConfig;
import io.chatkpi.ingest.sim.TrafficSimulator;
import io.chatkpi.ingest.stack.ClickHouseClient;
import io.chatkpi.ingest.stack.KafkaBroker;
import io.chatkpi.jobs.common.RuntimeOptions;
import io.chatkpi.jobs.sink.ClickHouseSinkOptions;
import io.chatkpi.testing.ClickHouseExtension;
import io.chatkpi.testing.ClickHouseTestDatabase;
import io.chatkpi.testing.KafkaExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The landing test, all real: the in-JVM Kafka broker, the local ClickHouse server, the simulator and the
 * ingest producer, RawEventsJob on a MiniCluster. 10,000 simulated events plus redelivered duplicates and invalid
 * lines go in; ClickHouse must end up with exactly the valid events (duplicates once) and exactly the invalid
 * lines with their reasons, and the dead-letter topic with the same invalid lines.
 */
@ExtendWith({KafkaExtension.class, ClickHouseExtension.class})
class RawEventsJobIntegrationTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static final int EVENTS = 10_000;
    /** Generous: this is a deadline against hanging, not a speed assertion (speed is the benchmarks' job). */
    private static final Duration DEADLINE = Duration.ofMinutes(3);

    @Test
    void landsValidEventsOnceAndKeepsEveryInvalidLine(KafkaBroker kafka, ClickHouseTestDatabase db) throws Exception {
        String topic = "landing-it-events";
        String deadLetterTopic = "landing-it-dlq";
        kafka.createTopic(topic, 2, false);
        kafka.createTopic(deadLetterTopic, 1, false);

        // --- simulate and send through the ingest producer -------------------------------------------------
        Map<String, SessionEvent> expected = new LinkedHashMap<>();
        List<String> invalidLines = new ArrayList<>();
        long[] sent = {0, 0};
        SimulatorConfig sim = SimulatorConfig.defaults()
                .withRate(120)
                .withSeed(42)
                .withDuration(null)
                .withMaxEvents(EVENTS)
                .withDuplicateShare(0.03)
                .withInvalidShare(0.01);
        try (EventProducer producer = new EventProducer(EventProducer.config(kafka.bootstrapServers()), topic)) {
            new TrafficSimulator(sim).run(new SimulationSink() {
                @Override
                public void event(SessionEvent event) {
                    SessionEvent before = expected.putIfAbsent(event.eventId(), event);
                    assertThat(before == null || before.equals(event)).as("a redelivery repeats the event").isTrue();
                    producer.send(event);
                    sent[0]++;
                }

                @Override
                public void invalidLine(String line) {
                    invalidLines.add(line);
                    producer.sendRaw(line);
                    sent[1]++;
                }
            });
            producer.flush();
        }
        long duplicates = sent[0] - expected.size();
        assertThat(expected).hasSize(EVENTS);
        assertThat(duplicates).as("redelivered duplicates in the input").isPositive();
        assertThat(invalidLines).as("invalid lines in the input").isNotEmpty();
        Map<String, Integer> expectedRejects = new HashMap<>();
        for (String line : invalidLines) {
            Decoded d = EventCodec.decode(line);
            assertThat(d.isValid()).as("the simulator's invalid line breaks the contract: %s", line).isFalse();
            expectedRejects.merge(line + "\u0001" + d.rejected().reason(), 1, Integer::sum);
        }

        // --- run the job until everything has landed ---------------------------------------------------------
        RawEventsJob.Options options = RawEventsJob.Options
                .of(kafka.bootstrapServers(), ClickHouseSinkOptions.of(db.url(), db.database()))
                .withTopics(topic, deadLetterTopic)
                .withGroupId("landing-it")
                .withStartingOffsets(RawEventsJob.StartingOffsets.EARLIEST)
                .withRuntime(RuntimeOptions.defaults().withCheckpointInterval(2_000).withParallelism(2));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        RawEventsJob.build(env, options);
        long startNanos = System.nanoTime();
        JobClient job = env.executeAsync(RawEventsJob.JOB_NAME);
        ClickHouseClient ch = db.client();
        try {
            // uniqExact, not count(): background merges may already have collapsed some duplicates
            awaitUntil(() -> ch.queryLong("SELECT uniqExact(eventId) FROM session_events") >= EVENTS
                    && ch.queryLong("SELECT uniqExact(rejectId) FROM rejected_events") >= invalidLines.size(), job);
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            System.out.printf("landing IT: %d records (%d valid, %d duplicates, %d invalid) landed %.1f s after"
                            + " job submission (incl. startup): %.0f records/s%n", sent[0] + sent[1], expected.size(),
                    duplicates, invalidLines.size(), seconds, (sent[0] + sent[1]) / seconds);
            // the job keeps running: nothing more may arrive than what was sent (e.g. no double landing)
            Thread.sleep(1_500);
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
            awaitTerminal(job);
        }

        // --- session_events: exactly the valid events, duplicates once ----------------------------------------
        assertThat(ch.queryLong("SELECT count() FROM session_events FINAL")).isEqualTo(EVENTS);
        assertThat(ch.queryLong("SELECT uniqExact(eventId) FROM session_events")).isEqualTo(EVENTS);
        Map<String, String> landed = new HashMap<>();
        ch.query("SELECT eventId, sessionId, type, tsMs, queueId, repId FROM session_events FINAL",
                row -> landed.put(row.get("eventId").asText(), describe(row)));
        Map<String, String> wanted = new HashMap<>();
        expected.values().forEach(e -> wanted.put(e.eventId(), describe(e)));
        assertThat(landed).isEqualTo(wanted);

        // --- rejected_events: exactly the invalid lines, with their reasons ------------------------------------
        Map<String, Integer> rejectedRows = new HashMap<>();
        ch.query("SELECT raw, reason, rejectId, source FROM rejected_events FINAL", row -> {
            assertThat(row.get("rejectId").asText()).startsWith("kafka:" + topic + ":");
            assertThat(row.get("source").asText()).isEqualTo("kafka:" + topic);
            rejectedRows.merge(row.get("raw").asText() + "\u0001" + row.get("reason").asText(), 1, Integer::sum);
        });
        assertThat(rejectedRows).isEqualTo(expectedRejects);

        // --- the dead-letter topic: the same invalid lines, reason in a header ----------------------------------
        assertThat(readDeadLetters(kafka, deadLetterTopic, invalidLines.size())).isEqualTo(expectedRejects);
    }

    private static String describe(SessionEvent e) {
        return e.sessionId() + "|" + e.type() + "|" + e.ts() + "|" + e.queueId() + "|" + e.repId();
    }

    private static String describe(JsonNode row) {
        return row.get("sessionId").asText() + "|" + row.get("type").asText() + "|" + row.get("tsMs").asLong() + "|"
                + text(row.get("queueId")) + "|" + text(row.get("repId"));
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    private static Map<String, Integer> readDeadLetters(KafkaBroker kafka, String topic, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "landing-it-dlq-reader");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, Integer> found = new HashMap<>();
        int records = 0;
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            // read until nothing new arrives for a while after the expected count: extra copies would show up
            long quietSince = 0;
            while (System.nanoTime() < deadline) {
                var batch = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    Header reason = r.headers().lastHeader(DeadLetterSerializer.REASON_HEADER);
                    assertThat(reason).as("reason header").isNotNull();
                    found.merge(new String(r.value(), StandardCharsets.UTF_8) + "\u0001"
                            + new String(reason.value(), StandardCharsets.UTF_8), 1, Integer::sum);
                    records++;
                }
                if (records >= expected) {
                    if (!batch.isEmpty()) {
                        quietSince = System.nanoTime();
                    } else if (System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(1)) {
                        break;
                    }
                }
            }
        }
        return found;
    }

    private static void awaitUntil(BooleanSupplier landed, JobClient job) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!landed.getAsBoolean()) {
            JobStatus status = job.getJobStatus().get();
            if (status.isGloballyTerminalState()) {
                job.getJobExecutionResult().get(); // throws the job's failure
                throw new AssertionError("the landing job ended before the rows arrived: " + status);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("rows did not arrive in ClickHouse within " + DEADLINE);
            }
            Thread.sleep(250);
        }
    }

    private static void awaitTerminal(JobClient job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!job.getJobStatus().get().isGloballyTerminalState()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the landing job did not stop after cancel");
            }
            Thread.sleep(100);
        }
    }
}
