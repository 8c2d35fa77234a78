package io.chatkpi.jobs.kpi;

import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.ingest.ewt.EwtSnapshot;
import io.chatkpi.ingest.kafka.Topics;
import io.chatkpi.jobs.common.JobConfig;
import io.chatkpi.jobs.common.SessionEventsSource;
import io.chatkpi.jobs.common.RuntimeOptions;
import io.chatkpi.jobs.landing.RawEventsJob.StartingOffsets;
import io.chatkpi.jobs.sink.ClickHouseSinkOptions;
import io.chatkpi.jobs.sink.ClickHouseSinks;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The KPI job: session events on event time → per-session KPIs and facts (keyed by sessionId) → queue signals →
 * per-queue EWT and EWT accuracy (keyed by queueId); the facts' changes → kpi_rollup (keyed by rollup row) →
 * kpi_rollup_coarse (keyed by day). The graph is {@link #kpis}; {@link #build} puts Kafka in front
 * of it and ClickHouse and the compacted {@code queue-ewt} topic behind it (the topic gets the live EWT of
 * {@link #liveEwt}, which does not wait for the watermark; {@code queue_ewt} the exact event-time one), the replay puts a file in front and
 * files or ClickHouse behind.
 */
public final class KpiJob {

    public static final String JOB_NAME = "chatkpi KPIs";
    public static final String DEFAULT_GROUP_ID = "chatkpi-kpis";

    /** Operator uids: part of the savepoint contract, never change them. */
    public static final String SOURCE_UID = "kpi-session-events-kafka-source";
    public static final String SESSION_KPIS_UID = "session-kpis";
    public static final String QUEUE_EWT_UID = "queue-ewt";
    public static final String SESSIONS_SINK_UID = "sessions-clickhouse-sink";
    public static final String FACTS_SINK_UID = "kpi-facts-clickhouse-sink";
    public static final String EWT_SINK_UID = "queue-ewt-clickhouse-sink";
    public static final String EWT_TOPIC_SINK_UID = "queue-ewt-kafka-sink";
    public static final String ACCURACY_SINK_UID = "ewt-accuracy-clickhouse-sink";
    public static final String LIVE_EWT_UID = "live-queue-ewt";
    public static final String ROLLUP_ROW_CHANGES_UID = "kpi-rollup-row-changes";
    public static final String ROLLUP_UID = "kpi-rollup";
    public static final String ROLLUP_SINK_UID = "kpi-rollup-clickhouse-sink";
    public static final String ROLLUP_COARSE_UID = "kpi-rollup-coarse";
    public static final String ROLLUP_COARSE_SINK_UID = "kpi-rollup-coarse-clickhouse-sink";

    private KpiJob() {}

    /**
     * The KPI streams of one graph. {@code ewt} is the exact event-time EWT (ClickHouse {@code queue_ewt}, the
     * replay's ewt.jsonl); the live EWT for the {@code queue-ewt} topic is built from {@code provisionalQueueWaits}
     * and {@code appliedQueueWaits} by {@link #liveEwt} only where a topic is attached.
     */
    public record KpiStreams(
            DataStream<SessionRow> sessions,
            DataStream<KpiFact> facts,
            DataStream<RollupRow> rollup,
            DataStream<CoarseRollupRow> rollupCoarse,
            DataStream<EwtSnapshot> ewt,
            DataStream<EwtAccuracyRow> accuracy,
            DataStream<QueueSignal> provisionalQueueWaits,
            DataStream<QueueSignal> appliedQueueWaits,
            LiveEwtFunction.Config live) {}

    /** How the KPIs are defined: service level, EWT window and size, retention. */
    public record KpiConfig(SessionKpiConfig sessions, QueueEwtFunction.Config ewt) implements java.io.Serializable {
        public static KpiConfig defaults() {
            return new KpiConfig(SessionKpiConfig.defaults(), QueueEwtFunction.Config.defaults());
        }

        /** {@code --service-level-ms}, {@code --ewt-window-ms}, {@code --ewt-samples}; the rest at defaults. */
        public static KpiConfig from(JobConfig config) {
            SessionKpiConfig sessionDefaults = SessionKpiConfig.defaults();
            QueueEwtFunction.Config ewtDefaults = QueueEwtFunction.Config.defaults();
            return new KpiConfig(
                    new SessionKpiConfig(
                            config.getLong("service-level-ms", sessionDefaults.serviceLevelThresholdMs()),
                            sessionDefaults.retentionMs()),
                    new QueueEwtFunction.Config(
                            config.getLong("ewt-window-ms", ewtDefaults.windowMs()),
                            config.getInt("ewt-samples", ewtDefaults.maxSamples()),
                            ewtDefaults.predictionRetentionMs()));
        }
    }

    /**
     * The KPI graph over events that already carry event timestamps and watermarks (see {@link KpiWatermarks}).
     */
    public static KpiStreams kpis(DataStream<SessionEvent> events, KpiConfig config) {
        SingleOutputStreamOperator<SessionRow> sessions = events
                .keyBy(SessionEvent::sessionId)
                .process(new SessionKpiFunction(config.sessions()))
                .name("session KPIs")
                .uid(SESSION_KPIS_UID);
        SingleOutputStreamOperator<EwtSnapshot> ewt = sessions
                .getSideOutput(SessionKpiFunction.QUEUE_SIGNALS)
                .keyBy(QueueSignal::queueId)
                .process(new QueueEwtFunction(config.ewt()))
                .name("queue EWT")
                .uid(QUEUE_EWT_UID);
        DataStream<RollupRow> rollup = rollup(sessions.getSideOutput(SessionKpiFunction.FACT_CHANGES),
                config.sessions());
        return new KpiStreams(
                sessions,
                sessions.getSideOutput(SessionKpiFunction.FACTS),
                rollup,
                rollupCoarse(rollup, config.sessions()),
                ewt,
                ewt.getSideOutput(QueueEwtFunction.ACCURACY),
                sessions.getSideOutput(SessionKpiFunction.LIVE_QUEUE_WAITS),
                ewt.getSideOutput(QueueEwtFunction.APPLIED_QUEUE_WAITS),
                LiveEwtFunction.Config.of(config.ewt()));
    }

    /**
     * kpi_rollup from the fact changes: each as row changes (three rows per fact), keyed by row, maintained by
     * {@link KpiRollupFunction} with a horizon of twice the session retention; when the environment checkpoints
     * (apply the runtime options first), rows are written from checkpointed content only.
     */
    public static DataStream<RollupRow> rollup(DataStream<FactChange> changes, SessionKpiConfig sessions) {
        return changes
                .transform("kpi_rollup row changes", TypeInformation.of(RollupRowDelta.class), new RollupRowCombiner())
                .uid(ROLLUP_ROW_CHANGES_UID)
                .keyBy(RollupRowDelta::rowKey)
                .transform("kpi_rollup", TypeInformation.of(RollupRow.class), new KpiRollupOperator(
                        KpiRollupFunction.forSessions(sessions,
                                changes.getExecutionEnvironment().getCheckpointConfig().isCheckpointingEnabled())))
                .name("kpi_rollup")
                .uid(ROLLUP_UID);
    }

    /**
     * kpi_rollup_coarse: the kpi_rollup rows written, added up per hour and UTC day by {@link KpiRollupCoarsening}
     * (keyed by day), so that the API reads a month from hundreds of rows per kind instead of thousands.
     */
    public static DataStream<CoarseRollupRow> rollupCoarse(DataStream<RollupRow> rollup, SessionKpiConfig sessions) {
        return rollup
                .keyBy(KpiRollupCoarsening::dayKey)
                .process(KpiRollupCoarsening.forSessions(sessions,
                        rollup.getExecutionEnvironment().getCheckpointConfig().isCheckpointingEnabled()))
                .name("kpi_rollup_coarse")
                .uid(ROLLUP_COARSE_UID);
    }

    /** The live EWT (see {@link LiveEwtFunction}): provisional queue waits at once, confirmed by the exact path. */
    public static DataStream<EwtSnapshot> liveEwt(KpiStreams streams) {
        return streams.provisionalQueueWaits()
                .connect(streams.appliedQueueWaits())
                .keyBy(QueueSignal::queueId, QueueSignal::queueId)
                .process(new LiveEwtFunction(streams.live()))
                .name("live EWT")
                .uid(LIVE_EWT_UID);
    }

    /** Attaches the sinks, each named and with a stable uid. */
    public static void sinkTo(KpiStreams streams, Sink<SessionRow> sessions, Sink<KpiFact> facts,
            Sink<RollupRow> rollup, Sink<CoarseRollupRow> rollupCoarse, Sink<EwtSnapshot> ewtTable,
            Sink<EwtSnapshot> ewtTopic, Sink<EwtAccuracyRow> accuracy) {
        streams.sessions().sinkTo(sessions).name("ClickHouse sessions").uid(SESSIONS_SINK_UID);
        streams.facts().sinkTo(facts).name("ClickHouse kpi_facts").uid(FACTS_SINK_UID);
        streams.rollup().sinkTo(rollup).name("ClickHouse kpi_rollup").uid(ROLLUP_SINK_UID);
        streams.rollupCoarse().sinkTo(rollupCoarse).name("ClickHouse kpi_rollup_coarse").uid(ROLLUP_COARSE_SINK_UID);
        streams.ewt().sinkTo(ewtTable).name("ClickHouse queue_ewt").uid(EWT_SINK_UID);
        if (ewtTopic != null) {
            liveEwt(streams).sinkTo(ewtTopic).name("Kafka queue-ewt").uid(EWT_TOPIC_SINK_UID);
        }
        streams.accuracy().sinkTo(accuracy).name("ClickHouse ewt_accuracy").uid(ACCURACY_SINK_UID);
    }

    /** The production graph: Kafka in; ClickHouse and the {@code queue-ewt} topic out. */
    public static KpiStreams build(StreamExecutionEnvironment env, Options options) {
        options.runtime().applyTo(env);
        return kpisToSinks(events(env, options), options);
    }

    /** The session events of the Kafka topic, with event time and watermarks per partition. */
    public static DataStream<SessionEvent> events(StreamExecutionEnvironment env, Options options) {
        return env
                .fromSource(kafkaSource(options),
                        KpiWatermarks.strategy(options.outOfOrderness(), options.idleness()),
                        "Kafka " + options.topic())
                .uid(SOURCE_UID);
    }

    /** The KPI graph over {@code events}, into ClickHouse and the {@code queue-ewt} topic. */
    public static KpiStreams kpisToSinks(DataStream<SessionEvent> events, Options options) {
        KpiStreams streams = kpis(events, options.kpis());
        ClickHouseSinkOptions ch = options.clickhouse();
        sinkTo(streams,
                ClickHouseSinks.sink(ch, KpiTables.SESSIONS),
                ClickHouseSinks.sink(ch, KpiTables.KPI_FACTS),
                ClickHouseSinks.sink(ch, KpiTables.KPI_ROLLUP),
                ClickHouseSinks.sink(ch, KpiTables.KPI_ROLLUP_COARSE),
                ClickHouseSinks.sink(ch, KpiTables.QUEUE_EWT),
                ewtTopicSink(options.bootstrapServers(), options.ewtTopic()),
                ClickHouseSinks.sink(ch, KpiTables.EWT_ACCURACY));
        return streams;
    }

    public static KafkaSource<SessionEvent> kafkaSource(Options options) {
        return SessionEventsSource.of(options.bootstrapServers(), options.topic(), options.groupId(),
                options.startingOffsets().initializer(), new SessionEventDeserializer());
    }

    public static KafkaSink<EwtSnapshot> ewtTopicSink(String bootstrapServers, String topic) {
        return KafkaSink.<EwtSnapshot>builder()
                .setBootstrapServers(bootstrapServers)
                .setRecordSerializer(new EwtSnapshotSerializer(topic))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                // the EWT is live data: hand it to the broker at once rather than waiting to fill a batch
                .setProperty("linger.ms", "0")
                .build();
    }

    public static void main(String[] args) throws Exception {
        Options options = JobConfig.optionsOrExit("KpiJob", USAGE, args, Options::from);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, options);
        env.execute(JOB_NAME);
    }

    public static final String USAGE = """
            options (each also from the environment variable CHATKPI_<NAME>, e.g. CHATKPI_BOOTSTRAP_SERVERS):
              --bootstrap-servers H:P        Kafka (default 127.0.0.1:9092)
              --topic T                      the events' topic (default session-events)
              --ewt-topic T                  compacted topic of EWT snapshots (default queue-ewt)
              --group-id ID                  consumer group (default chatkpi-kpis)
              --starting-offsets W           committed (else earliest) | earliest | latest (default committed)
              --out-of-orderness-ms MS       watermark bound (default 5000)
              --idleness-ms MS               idle partitions stop holding the watermark after MS (default 10000; 0 = off)
              --service-level-ms MS          answered within this counts for the service level (default 60000)
              --ewt-window-ms MS             EWT horizon (default 600000)
              --ewt-samples N                EWT sample size (default 10)
              --clickhouse-url URL           jdbc:clickhouse://H:P or http://H:P (default jdbc:clickhouse://127.0.0.1:8123)
              --clickhouse-database DB       (default chatkpi)
              --clickhouse-user U            (default default)
              --clickhouse-password P        (default empty)
              --batch-size N                 rows per ClickHouse insert at most (default 50000)
              --batch-interval-ms MS         flush a partial batch after MS (default 1000)
              --sink-max-retries N           re-sends of a failed batch (default 3)
              --checkpoint-interval-ms MS    (default 60000)
              --restart-attempts N           fixed-delay restarts (default 10)
              --restart-delay-ms MS          (default 5000)
              --parallelism N                (default: the cluster's)""";

    /** Everything the KPI job needs to know. */
    public record Options(
            String bootstrapServers, String topic, String ewtTopic, String groupId, StartingOffsets startingOffsets,
            Duration outOfOrderness, Duration idleness, KpiConfig kpis, ClickHouseSinkOptions clickhouse,
            RuntimeOptions runtime) {

        public static Options from(JobConfig config) {
            KpiConfig kpis = KpiConfig.from(config);
            return new Options(
                    config.get("bootstrap-servers", "127.0.0.1:9092"),
                    config.get("topic", Topics.SESSION_EVENTS),
                    config.get("ewt-topic", Topics.QUEUE_EWT),
                    config.get("group-id", DEFAULT_GROUP_ID),
                    StartingOffsets.parse(config.get("starting-offsets", "committed")),
                    Duration.ofMillis(config.getLong("out-of-orderness-ms", KpiWatermarks.DEFAULT_OUT_OF_ORDERNESS.toMillis())),
                    Duration.ofMillis(config.getLong("idleness-ms", KpiWatermarks.DEFAULT_IDLENESS.toMillis())),
                    kpis,
                    ClickHouseSinkOptions.from(config),
                    RuntimeOptions.from(config));
        }

        public static Options of(String bootstrapServers, ClickHouseSinkOptions clickhouse) {
            return new Options(bootstrapServers, Topics.SESSION_EVENTS, Topics.QUEUE_EWT, DEFAULT_GROUP_ID,
                    StartingOffsets.COMMITTED, KpiWatermarks.DEFAULT_OUT_OF_ORDERNESS, KpiWatermarks.DEFAULT_IDLENESS,
                    KpiConfig.defaults(), clickhouse, RuntimeOptions.defaults());
        }

        public Options withTopics(String eventsTopic, String ewtTopicName) {
            return new Options(bootstrapServers, eventsTopic, ewtTopicName, groupId, startingOffsets, outOfOrderness,
                    idleness, kpis, clickhouse, runtime);
        }

        public Options withGroupId(String id) {
            return new Options(bootstrapServers, topic, ewtTopic, id, startingOffsets, outOfOrderness, idleness, kpis,
                    clickhouse, runtime);
        }

        public Options withStartingOffsets(StartingOffsets offsets) {
            return new Options(bootstrapServers, topic, ewtTopic, groupId, offsets, outOfOrderness, idleness, kpis,
                    clickhouse, runtime);
        }

        public Options withOutOfOrderness(Duration bound) {
            return new Options(bootstrapServers, topic, ewtTopic, groupId, startingOffsets, bound, idleness, kpis,
                    clickhouse, runtime);
        }

        public Options withIdleness(Duration idle) {
            return new Options(bootstrapServers, topic, ewtTopic, groupId, startingOffsets, outOfOrderness, idle, kpis,
                    clickhouse, runtime);
        }

        public Options withRuntime(RuntimeOptions r) {
            return new Options(bootstrapServers, topic, ewtTopic, groupId, startingOffsets, outOfOrderness, idleness,
                    kpis, clickhouse, r);
        }
    }
}
