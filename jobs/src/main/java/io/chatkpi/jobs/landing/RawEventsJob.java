package io.chatkpi.jobs.landing;

import io.chatkpi.ingest.kafka.Topics;
import io.chatkpi.jobs.common.JobConfig;
import io.chatkpi.jobs.common.SessionEventsSource;
import io.chatkpi.jobs.common.RuntimeOptions;
import io.chatkpi.jobs.sink.ClickHouseSinkOptions;
import io.chatkpi.jobs.sink.ClickHouseSinks;
import java.util.Locale;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Raw event landing: Kafka {@code session-events} → parse and validate → valid events into ClickHouse
 * {@code session_events}; rejected ones into {@code rejected_events} and the dead-letter topic
 * {@code session-events-dlq}.
 *
 * <p>Duplicates (a redelivered eventId) are landed as they come: {@code session_events} is a ReplacingMergeTree
 * ordered by (sessionId, eventId), so they collapse into one row ({@code FINAL}, or {@code uniqExact(eventId)}).
 * Keeping this job stateless keeps it cheap and its restarts instant.
 */
public final class RawEventsJob {

    public static final String JOB_NAME = "chatkpi raw event landing";

    /** Operator uids: part of the savepoint contract, never change them. */
    public static final String SOURCE_UID = "session-events-kafka-source";
    public static final String PARSE_UID = "parse-session-events";
    public static final String EVENTS_SINK_UID = "session-events-clickhouse-sink";
    public static final String REJECTED_SINK_UID = "rejected-events-clickhouse-sink";
    public static final String DEAD_LETTER_SINK_UID = "session-events-dlq-kafka-sink";

    public static final String DEFAULT_GROUP_ID = "chatkpi-raw-landing";

    private RawEventsJob() {}

    /**
     * The landing graph over any source of raw records and any sinks: Kafka and ClickHouse in production, in-memory
     * collections in tests. Returns the valid events, for jobs that continue from them.
     */
    public static SingleOutputStreamOperator<LandedEvent> land(
            DataStream<RawRecord> raw, Sink<LandedEvent> events, Sink<RejectedRecord> rejectedTable,
            Sink<RejectedRecord> deadLetters) {
        SingleOutputStreamOperator<LandedEvent> valid = raw
                .process(new EventParser())
                .name("parse and validate events")
                .uid(PARSE_UID);
        return sinkLanded(valid, events, rejectedTable, deadLetters);
    }

    /**
     * The landing graph over records already parsed in their source (the job that lands the events and computes
     * the KPIs from one read of the topic): the same sinks as {@link #land}.
     */
    public static SingleOutputStreamOperator<LandedEvent> landParsed(
            DataStream<ParsedRecord> parsed, Sink<LandedEvent> events, Sink<RejectedRecord> rejectedTable,
            Sink<RejectedRecord> deadLetters) {
        SingleOutputStreamOperator<LandedEvent> valid = parsed
                .process(new LandingRouter())
                .name("split valid and rejected events")
                .uid(PARSE_UID);
        return sinkLanded(valid, events, rejectedTable, deadLetters);
    }

    private static SingleOutputStreamOperator<LandedEvent> sinkLanded(SingleOutputStreamOperator<LandedEvent> valid,
            Sink<LandedEvent> events, Sink<RejectedRecord> rejectedTable, Sink<RejectedRecord> deadLetters) {
        valid.sinkTo(events).name("ClickHouse session_events").uid(EVENTS_SINK_UID);
        DataStream<RejectedRecord> rejected = valid.getSideOutput(EventParser.REJECTED);
        rejected.sinkTo(rejectedTable).name("ClickHouse rejected_events").uid(REJECTED_SINK_UID);
        rejected.sinkTo(deadLetters).name("Kafka dead letters").uid(DEAD_LETTER_SINK_UID);
        return valid;
    }

    /** The production graph: Kafka in, ClickHouse and the dead-letter topic out. */
    public static void build(StreamExecutionEnvironment env, Options options) {
        options.runtime().applyTo(env);
        landToSinks(rawRecords(env, options), options);
    }

    /** The records of the Kafka topic as they are. */
    public static DataStream<RawRecord> rawRecords(StreamExecutionEnvironment env, Options options) {
        return env
                .fromSource(kafkaSource(options), WatermarkStrategy.noWatermarks(), "Kafka " + options.topic())
                .uid(SOURCE_UID);
    }

    /** The landing graph over {@code raw}, into ClickHouse and the dead-letter topic. */
    public static SingleOutputStreamOperator<LandedEvent> landToSinks(DataStream<RawRecord> raw, Options options) {
        return land(raw,
                ClickHouseSinks.sink(options.clickhouse(), LandingTables.SESSION_EVENTS),
                ClickHouseSinks.sink(options.clickhouse(), LandingTables.REJECTED_EVENTS),
                deadLetterSink(options.bootstrapServers(), options.deadLetterTopic()));
    }

    /** {@link #landParsed} into ClickHouse and the dead-letter topic. */
    public static SingleOutputStreamOperator<LandedEvent> landParsedToSinks(DataStream<ParsedRecord> parsed,
            Options options) {
        return landParsed(parsed,
                ClickHouseSinks.sink(options.clickhouse(), LandingTables.SESSION_EVENTS),
                ClickHouseSinks.sink(options.clickhouse(), LandingTables.REJECTED_EVENTS),
                deadLetterSink(options.bootstrapServers(), options.deadLetterTopic()));
    }

    public static KafkaSource<RawRecord> kafkaSource(Options options) {
        return SessionEventsSource.of(options.bootstrapServers(), options.topic(), options.groupId(),
                options.startingOffsets().initializer(), new KafkaRawRecordDeserializer());
    }

    public static KafkaSink<RejectedRecord> deadLetterSink(String bootstrapServers, String topic) {
        return KafkaSink.<RejectedRecord>builder()
                .setBootstrapServers(bootstrapServers)
                .setRecordSerializer(new DeadLetterSerializer(topic))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    public static void main(String[] args) throws Exception {
        Options options = JobConfig.optionsOrExit("RawEventsJob", USAGE, args, Options::from);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, options);
        env.execute(JOB_NAME);
    }

    static final String USAGE = """
            options (each also from the environment variable CHATKPI_<NAME>, e.g. CHATKPI_BOOTSTRAP_SERVERS):
              --bootstrap-servers H:P      Kafka (default 127.0.0.1:9092)
              --topic T                    the events' topic (default session-events)
              --dead-letter-topic T        where rejected records go (default session-events-dlq)
              --group-id ID                consumer group (default chatkpi-raw-landing)
              --starting-offsets W         committed (else earliest) | earliest | latest (default committed)
              --clickhouse-url URL         jdbc:clickhouse://H:P or http://H:P (default jdbc:clickhouse://127.0.0.1:8123)
              --clickhouse-database DB     (default chatkpi)
              --clickhouse-user U          (default default)
              --clickhouse-password P      (default empty)
              --batch-size N               rows per ClickHouse insert at most (default 50000)
              --batch-interval-ms MS       flush a partial batch after MS (default 1000)
              --sink-max-retries N         re-sends of a failed batch (default 3)
              --checkpoint-interval-ms MS  (default 60000)
              --restart-attempts N         fixed-delay restarts (default 10)
              --restart-delay-ms MS        (default 5000)
              --parallelism N              (default: the cluster's)""";

    /** Where a Kafka consumer group without committed offsets starts. */
    public enum StartingOffsets {
        /** the group's committed offsets, else the earliest: a restarted deployment continues where it stopped */
        COMMITTED,
        EARLIEST,
        LATEST;

        public OffsetsInitializer initializer() {
            return switch (this) {
                case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
                case EARLIEST -> OffsetsInitializer.earliest();
                case LATEST -> OffsetsInitializer.latest();
            };
        }

        public static StartingOffsets parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--starting-offsets must be committed, earliest or latest, got '" + s + "'");
            }
        }
    }

    /** Everything the landing job needs to know. */
    public record Options(
            String bootstrapServers, String topic, String deadLetterTopic, String groupId,
            StartingOffsets startingOffsets, ClickHouseSinkOptions clickhouse, RuntimeOptions runtime) {

        public static Options from(JobConfig config) {
            return new Options(
                    config.get("bootstrap-servers", "127.0.0.1:9092"),
                    config.get("topic", Topics.SESSION_EVENTS),
                    config.get("dead-letter-topic", Topics.SESSION_EVENTS_DLQ),
                    config.get("group-id", DEFAULT_GROUP_ID),
                    StartingOffsets.parse(config.get("starting-offsets", "committed")),
                    ClickHouseSinkOptions.from(config),
                    RuntimeOptions.from(config));
        }

        /** The defaults (topics, group, committed-else-earliest offsets, 10 s checkpoints) for this Kafka and ClickHouse. */
        public static Options of(String bootstrapServers, ClickHouseSinkOptions clickhouse) {
            return new Options(bootstrapServers, Topics.SESSION_EVENTS, Topics.SESSION_EVENTS_DLQ, DEFAULT_GROUP_ID,
                    StartingOffsets.COMMITTED, clickhouse, RuntimeOptions.defaults());
        }

        public Options withTopics(String eventsTopic, String deadLettersTopic) {
            return new Options(bootstrapServers, eventsTopic, deadLettersTopic, groupId, startingOffsets, clickhouse, runtime);
        }

        public Options withGroupId(String id) {
            return new Options(bootstrapServers, topic, deadLetterTopic, id, startingOffsets, clickhouse, runtime);
        }

        public Options withStartingOffsets(StartingOffsets offsets) {
            return new Options(bootstrapServers, topic, deadLetterTopic, groupId, offsets, clickhouse, runtime);
        }

        public Options withRuntime(RuntimeOptions r) {
            return new Options(bootstrapServers, topic, deadLetterTopic, groupId, startingOffsets, clickhouse, r);
        }
    }
}
