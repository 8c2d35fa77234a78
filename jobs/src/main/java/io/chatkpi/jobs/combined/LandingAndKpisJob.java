package io.chatkpi.jobs.combined;

import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.jobs.common.JobConfig;
import io.chatkpi.jobs.common.SessionEventsSource;
import io.chatkpi.jobs.kpi.KpiJob;
import io.chatkpi.jobs.kpi.KpiWatermarks;
import io.chatkpi.jobs.landing.LandedEvent;
import io.chatkpi.jobs.landing.ParsedRecord;
import io.chatkpi.jobs.landing.RawEventsJob;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The raw landing ({@link RawEventsJob}) and the KPIs ({@link KpiJob}) as one job over one read of
 * {@code session-events}: each record is fetched and parsed once instead of once per job (the parse is ~1.3 µs of
 * CPU per event, the second fetch and source as much again; see README.md, "Performance"). The graphs, their
 * operator uids and their sinks are those of the two jobs; only the source is shared.
 *
 * <p>The price is one failure domain: a failure of the KPI graph restarts the landing too (both resume from the
 * same checkpoint, and the landed rows of the replayed minute replace themselves in ClickHouse). Run the two jobs
 * instead where the landing must keep going whatever happens to the KPIs.
 */
public final class LandingAndKpisJob {

    public static final String JOB_NAME = "chatkpi landing and KPIs";

    /** Operator uids: part of the savepoint contract, never change them (the rest are the two jobs' own). */
    public static final String SOURCE_UID = "landing-and-kpis-kafka-source";
    public static final String EVENTS_UID = "landed-session-events";

    public static final String DEFAULT_GROUP_ID = "chatkpi-landing-and-kpis";

    private LandingAndKpisJob() {}

    /**
     * The two graphs over one stream of parsed records (event time and watermarks assigned as in
     * {@link #parsedRecords}): the landing's into its sinks, the valid events into the KPIs'.
     */
    public static KpiJob.KpiStreams landAndComputeKpis(DataStream<ParsedRecord> parsed, Options options) {
        DataStream<SessionEvent> events = RawEventsJob.landParsedToSinks(parsed, options.landing())
                .map(LandedEvent::event, TypeInformation.of(SessionEvent.class))
                .name("landed events")
                .uid(EVENTS_UID);
        return KpiJob.kpisToSinks(events, options.kpis());
    }

    /** The production graph: Kafka in; ClickHouse, the dead-letter and {@code queue-ewt} topics out. */
    public static KpiJob.KpiStreams build(StreamExecutionEnvironment env, Options options) {
        options.kpis().runtime().applyTo(env);
        return landAndComputeKpis(parsedRecords(env, options), options);
    }

    /** The records of the Kafka topic, each parsed once, with the KPI job's event time and watermarks per partition. */
    public static DataStream<ParsedRecord> parsedRecords(StreamExecutionEnvironment env, Options options) {
        KpiJob.Options kpis = options.kpis();
        return env
                .fromSource(kafkaSource(kpis),
                        KpiWatermarks.forParsedRecords(kpis.outOfOrderness(), kpis.idleness()),
                        "Kafka " + kpis.topic())
                .uid(SOURCE_UID);
    }

    public static KafkaSource<ParsedRecord> kafkaSource(KpiJob.Options options) {
        return SessionEventsSource.of(options.bootstrapServers(), options.topic(), options.groupId(),
                options.startingOffsets().initializer(), new ParsedRecordDeserializer());
    }

    public static void main(String[] args) throws Exception {
        Options options = JobConfig.optionsOrExit("LandingAndKpisJob", USAGE, args, Options::from);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, options);
        env.execute(JOB_NAME);
    }

    /** KpiJob's options, with the landing's dead-letter topic and this job's own consumer group. */
    static final String USAGE = KpiJob.USAGE
            .replace("(default " + KpiJob.DEFAULT_GROUP_ID + ")", "(default " + DEFAULT_GROUP_ID + ")")
            .replace("  --ewt-topic T", "  --dead-letter-topic T          where rejected records go (default "
                    + io.chatkpi.ingest.kafka.Topics.SESSION_EVENTS_DLQ + ")\n  --ewt-topic T");

    /**
     * The two jobs' options over the same topic, Kafka, ClickHouse and runtime; the source is read as the KPI
     * options say (topic, group, starting offsets, out-of-orderness, idleness).
     */
    public record Options(RawEventsJob.Options landing, KpiJob.Options kpis) {

        public static Options from(JobConfig config) {
            String groupId = config.get("group-id", DEFAULT_GROUP_ID);
            return new Options(RawEventsJob.Options.from(config).withGroupId(groupId),
                    KpiJob.Options.from(config).withGroupId(groupId));
        }

        public Options {
            if (!landing.topic().equals(kpis.topic())) {
                throw new IllegalArgumentException("one topic for both graphs: " + landing.topic() + " vs "
                        + kpis.topic());
            }
        }
    }
}
