package io.chatkpi.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatkpi.ingest.event.EventCodec;
import io.chatkpi.ingest.event.EventType;
import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.ingest.kafka.EventProducer;
import io.chatkpi.ingest.sim.SimulationSink;
import io.chatkpi.ingest.sim.SimulatorConfig;
import io.chatkpi.ingest.sim.TrafficSimulator;
import io.chatkpi.ingest.stack.KafkaBroker;
import io.chatkpi.ingest.stack.SqlResources;
import io.chatkpi.jobs.combined.LandingAndKpisJob;
import io.chatkpi.jobs.kpi.KpiJob;
import io.chatkpi.jobs.landing.RawEventsJob;
import io.chatkpi.jobs.sink.ClickHouseSinkOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Pipeline throughput against its baseline, on one topic written once.
 *
 * <ol>
 * <li>The simulator (fast mode) writes N events to a fresh topic, then one end marker per partition: a
 *     SESSION_STARTED ten minutes of event time after the last event, so that the KPI job's watermark passes every
 *     real event (a bounded backlog otherwise leaves the last out-of-orderness interval unprocessed).</li>
 * <li>Baseline: a plain KafkaConsumer reads the topic from the beginning and decodes every record with EventCodec,
 *     the codec the jobs use.</li>
 * <li>The raw landing job and the KPI job read the topic from the earliest offset, side by side on the MiniCluster,
 *     until ClickHouse holds every event (session_events) and every session (sessions).</li>
 * </ol>
 * Both rates are sustained rates: from the first record read (baseline) or the first row in ClickHouse (pipeline) to
 * the last, so job start-up is not counted against the jobs.
 */
final class PipelineBenchmark {

    /** Simulated traffic: a desk of 3 queues at 120 sessions a minute, starting at a fixed instant. */
    static final double ARRIVALS_PER_MINUTE = 120;
    static final Instant SIMULATED_START = Instant.parse("2026-11-01T00:00:00Z");
    private static final Duration STALL_LIMIT = Duration.ofMinutes(3);

    private final BenchStack stack;
    private final BenchOptions options;

    PipelineBenchmark(BenchStack stack, BenchOptions options) {
        this.stack = stack;
        this.options = options;
    }

    /** What the topic holds. */
    record Written(String topic, long events, long records, long sessions, double eventsPerSec) {
        double eventsPerSession() {
            return (double) events / Math.max(1, sessions);
        }
    }

    BenchResults.Pipeline run() throws Exception {
        String topic = "bench-events-" + stack.runId;
        stack.kafka.createTopics(List.of(
                new KafkaBroker.NewTopicSpec(topic, options.partitions(), false),
                new KafkaBroker.NewTopicSpec(topic + "-dlq", 1, false),
                new KafkaBroker.NewTopicSpec(topic + "-ewt", 1, true)));
        Written written = write(topic);
        Progress.say("pipeline: wrote %,d events (%,d sessions) + %d end markers at %,.0f events/s",
                written.events(), written.sessions(), options.partitions(), written.eventsPerSec());

        double[] baseline = baseline(topic, written.records());
        Progress.say("pipeline: baseline (KafkaConsumer + EventCodec) read %,d records at %,.0f events/s",
                written.records(), baseline[0]);

        JobsRun jobs = jobs(topic, written);
        double ratio = jobs.eventsPerSec() / baseline[0];
        Progress.say("pipeline: %s at %,.0f events/s = %.0f %% of the baseline", options.pipelineJobs().label(),
                jobs.eventsPerSec(), ratio * 100);
        Double cpuMicrosPerEvent = jobs.cpuMicrosPerEvent();
        if (cpuMicrosPerEvent != null) {
            Progress.say("pipeline: CPU in that window: bench JVM %.1f s, ClickHouse %.1f s = %.1f us per event",
                    jobs.jvmCpuSeconds(), jobs.clickHouseCpuSeconds(), cpuMicrosPerEvent, options.pipelineJobs());
        }
        return new BenchResults.Pipeline(written.events(), jobs.eventsPerSec(), baseline[0], ratio,
                written.sessions(), jobs.facts(), jobs.seconds(), baseline[1], written.eventsPerSec(),
                options.partitions(), BenchStack.JOB_PARALLELISM, ClickHouseSinkOptions.DEFAULT_BATCH_SIZE,
                jobs.jvmCpuSeconds(), jobs.clickHouseCpuSeconds(), cpuMicrosPerEvent, options.pipelineJobs());
    }

    private Written write(String topic) throws Exception {
        Properties config = EventProducer.config(stack.kafka.bootstrapServers());
        SimulatorConfig sim = LiveStack.traffic(ARRIVALS_PER_MINUTE)
                .withStart(SIMULATED_START)
                .withDuration(null)
                .withMaxEvents(options.events())
                .withSeed(Math.abs(stack.runId.hashCode()) + 1L);
        TrafficSimulator simulator = new TrafficSimulator(sim);
        Set<String> sessions = new HashSet<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long[] lastTs = {Long.MIN_VALUE};
        long[] sent = {0};
        long started = System.nanoTime();
        long[] nextReport = {started + 2_000_000_000L};
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            simulator.run(new SimulationSink() {
                @Override
                public void event(SessionEvent e) {
                    producer.send(new ProducerRecord<>(topic, e.sessionId().getBytes(StandardCharsets.UTF_8),
                            EventCodec.encodeToBytes(e)), (meta, ex) -> {
                        if (ex != null) failure.compareAndSet(null, ex);
                    });
                    sessions.add(e.sessionId());
                    lastTs[0] = Math.max(lastTs[0], e.ts());
                    if (++sent[0] % 10_000 == 0 && System.nanoTime() > nextReport[0]) {
                        nextReport[0] = System.nanoTime() + 2_000_000_000L;
                        Progress.say("pipeline: writing %,d / %,d events", sent[0], options.events());
                    }
                }
            });
            for (int p = 0; p < options.partitions(); p++) {
                String id = "bench-end-" + stack.runId + "-" + p;
                SessionEvent marker = SessionEvent.of(id, id, EventType.SESSION_STARTED, lastTs[0] + 600_000);
                producer.send(new ProducerRecord<>(topic, p, id.getBytes(StandardCharsets.UTF_8),
                        EventCodec.encodeToBytes(marker)));
            }
            producer.flush();
        }
        if (failure.get() != null) throw new IllegalStateException("writing the events failed", failure.get());
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Written(topic, sent[0], sent[0] + options.partitions(), sessions.size(), sent[0] / seconds);
    }

    /** A plain consumer that reads and decodes every record: {rate, seconds}. */
    private double[] baseline(String topic, long records) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka.bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "chatkpi-bench-baseline");
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long start = System.nanoTime();
            long first = -1;
            long read = 0;
            long valid = 0;
            while (read < records) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (first < 0) first = System.nanoTime();
                    if (EventCodec.decode(r.value()).isValid()) valid++;
                    read++;
                }
                if (System.nanoTime() - start > STALL_LIMIT.toNanos()) {
                    throw new IllegalStateException("baseline consumer read only " + read + " of " + records);
                }
            }
            long end = System.nanoTime();
            if (valid != records) throw new IllegalStateException(valid + " of " + records + " records decoded as valid");
            return new double[] {records / ((end - first) / 1e9), (end - first) / 1e9};
        }
    }

    /**
     * What the jobs did over the measured window: its rate and length, the facts written, the CPU seconds of the
     * bench JVM and of ClickHouse over the same window (null: unknown or no window) and the events landed in it.
     */
    private record JobsRun(double eventsPerSec, double seconds, long facts, Double jvmCpuSeconds,
                           Double clickHouseCpuSeconds, long eventsInWindow) {
        Double cpuMicrosPerEvent() {
            return jvmCpuSeconds == null || clickHouseCpuSeconds == null ? null
                    : (jvmCpuSeconds + clickHouseCpuSeconds) * 1e6 / Math.max(1, eventsInWindow);
        }
    }

    /** The landing and KPI jobs from the earliest offset until ClickHouse holds everything. */
    private JobsRun jobs(String topic, Written written) throws Exception {
        RawEventsJob.Options landing = stack.landingJob(topic, "bench-landing");
        KpiJob.Options kpis = stack.kpiJob(topic, topic + "-ewt", "bench-kpis");
        long submitted = System.nanoTime();
        if (options.pipelineJobs() == BenchOptions.PipelineJobs.ONE) {
            LandingAndKpisJob.Options one = new LandingAndKpisJob.Options(landing.withGroupId("bench-one-read"),
                    kpis.withGroupId("bench-one-read"));
            stack.flink.submit(LandingAndKpisJob.JOB_NAME, env -> LandingAndKpisJob.build(env, one));
        } else {
            stack.flink.submit(RawEventsJob.JOB_NAME, env -> RawEventsJob.build(env, landing));
            stack.flink.submit(KpiJob.JOB_NAME, env -> KpiJob.build(env, kpis));
        }
        String progressQuery = SqlResources.load("queries/bench_progress.sql");
        String sessionsQuery = SqlResources.load("queries/bench_sessions_written.sql");
        long firstRow = -1;
        long eventsAtFirstRow = 0;
        long clickHousePid = stack.clickHouse.pid().value();
        Double jvmCpuAtStart = null;
        Double clickHouseCpuAtStart = null;
        long lastChange = System.nanoTime();
        long lastEvents = -1;
        long lastSessions = -1;
        long nextReport = System.nanoTime() + 2_000_000_000L;
        long sessions = 0;
        while (true) {
            Thread.sleep(250);
            JsonNode row = stack.sql.queryJson(progressQuery).get(0);
            long events = row.path("events").asLong();
            long facts = row.path("facts").asLong();
            long now = System.nanoTime();
            // counting distinct sessions reads the whole table: its CPU would be charged to the jobs every 250 ms
            if (events >= written.records() || now > nextReport) {
                sessions = stack.sql.queryJson(sessionsQuery).get(0).path("sessions").asLong();
            }
            if (firstRow < 0 && (events > 0 || facts > 0)) {
                firstRow = now;
                eventsAtFirstRow = events;
                jvmCpuAtStart = ProcessCpu.ofThisJvm();
                clickHouseCpuAtStart = ProcessCpu.ofProcess(clickHousePid);
            }
            if (events != lastEvents || sessions != lastSessions) {
                lastChange = now;
                lastEvents = events;
                lastSessions = sessions;
            }
            if (events >= written.records() && sessions >= written.sessions()) {
                Double jvmCpu = ProcessCpu.between(jvmCpuAtStart, ProcessCpu.ofThisJvm());
                Double clickHouseCpu = ProcessCpu.between(clickHouseCpuAtStart, ProcessCpu.ofProcess(clickHousePid));
                long inWindow = written.records() - eventsAtFirstRow;
                double seconds = (now - firstRow) / 1e9;
                if (now - firstRow < 1_000_000_000L || inWindow * 2 < written.records()) {
                    // a backlog too small to see the jobs running (under a second, or most events already landed
                    // at the first look, which left a window of ~0 events / s): count from the submission instead
                    seconds = (now - submitted) / 1e9;
                    inWindow = written.records();
                    jvmCpu = null;
                    clickHouseCpu = null;
                }
                Progress.say("pipeline: every event and session in ClickHouse %.1f s after submitting the jobs "
                        + "(%,d kpi_facts rows)", (now - submitted) / 1e9, facts);
                stack.flink.cancelAll();
                return new JobsRun(inWindow / seconds, seconds, facts, jvmCpu, clickHouseCpu, inWindow);
            }
            if (now > nextReport) {
                nextReport = now + 2_000_000_000L;
                Progress.say("pipeline: in ClickHouse %,d / %,d events, %,d / %,d sessions, %,d kpi_facts",
                        events, written.records(), sessions, written.sessions(), facts);
            }
            if (now - lastChange > STALL_LIMIT.toNanos()) {
                stack.flink.cancelAll();
                throw new IllegalStateException("the jobs made no progress for " + STALL_LIMIT.toSeconds()
                        + " s: " + events + " of " + written.records() + " events, " + sessions + " of "
                        + written.sessions() + " sessions in ClickHouse");
            }
        }
    }
}
