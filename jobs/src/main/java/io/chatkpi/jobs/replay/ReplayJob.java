package io.chatkpi.jobs.replay;

import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.jobs.kpi.KpiJob;
import io.chatkpi.jobs.kpi.KpiJob.KpiConfig;
import io.chatkpi.jobs.kpi.KpiJob.KpiStreams;
import io.chatkpi.jobs.kpi.KpiTables;
import io.chatkpi.jobs.kpi.KpiWatermarks;
import io.chatkpi.jobs.landing.LandedEvent;
import io.chatkpi.jobs.landing.LandingTables;
import io.chatkpi.jobs.landing.RejectedRecord;
import io.chatkpi.jobs.sink.ClickHouseSinkOptions;
import io.chatkpi.jobs.sink.ClickHouseSinks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The KPI graph of {@link KpiJob}, in bounded mode over a JSON-lines file: to files (semantics checks, analysts'
 * exports) or into ClickHouse (backfills; idempotent, since every table is keyed so a re-sent row replaces).
 */
public final class ReplayJob {

    public static final String JOB_NAME = "chatkpi replay";

    /** Names of the part files {@link JsonLinesSink} writes under the parts directory. */
    public static final String SESSIONS_PARTS = "sessions";
    public static final String EWT_PARTS = "ewt";
    public static final String REJECTED_PARTS = "rejected";

    private ReplayJob() {}

    /** The events of the file with event time, and the rejected lines. */
    public record ReplayInput(DataStream<LandedEvent> landed, DataStream<SessionEvent> events,
            DataStream<LineRejection> rejected) {}

    /**
     * Reads the file in order (one reader, so its line numbers and order hold) and assigns event time with the
     * same watermark bound as the streaming job.
     */
    public static ReplayInput read(StreamExecutionEnvironment env, Path input, Duration outOfOrderness) {
        FileSource<NumberedLine> source = FileSource
                .forRecordStreamFormat(new NumberedLineFormat(), new org.apache.flink.core.fs.Path(input.toUri()))
                .build();
        SingleOutputStreamOperator<LandedEvent> landed = env
                .fromSource(source, WatermarkStrategy.noWatermarks(), "file " + input.getFileName())
                .setParallelism(1)
                .uid("replay-file-source")
                .process(new LineParser())
                .setParallelism(1)
                .name("parse and validate lines")
                .uid("replay-parse");
        DataStream<SessionEvent> events = landed
                .map(LandedEvent::event)
                .setParallelism(1)
                .name("session event")
                .uid("replay-event")
                .assignTimestampsAndWatermarks(KpiWatermarks.strategy(outOfOrderness, Duration.ZERO))
                .setParallelism(1)
                .name("event time")
                .uid("replay-event-time");
        return new ReplayInput(landed, events, landed.getSideOutput(LineParser.REJECTED));
    }

    /** Replays into JSON-lines part files under {@code partsDir} (see {@link ReplayCli} for the final files). */
    public static void toFiles(StreamExecutionEnvironment env, Path input, Path partsDir, KpiConfig config,
            Duration outOfOrderness) {
        ReplayInput in = read(env, input, outOfOrderness);
        KpiStreams kpis = KpiJob.kpis(in.events(), config);
        kpis.sessions().sinkTo(new JsonLinesSink<>(partsDir, SESSIONS_PARTS, ReplayJson::session))
                .name("sessions file").uid("replay-sessions-file");
        kpis.ewt().sinkTo(new JsonLinesSink<>(partsDir, EWT_PARTS, ReplayJson::ewt))
                .name("ewt file").uid("replay-ewt-file");
        in.rejected().sinkTo(new JsonLinesSink<>(partsDir, REJECTED_PARTS, ReplayJson::rejected))
                .setParallelism(1).name("rejected file").uid("replay-rejected-file");
    }

    /** Replays into ClickHouse: the raw landing tables and every KPI table. */
    public static void toClickHouse(StreamExecutionEnvironment env, Path input, ClickHouseSinkOptions ch,
            KpiConfig config, Duration outOfOrderness) {
        ReplayInput in = read(env, input, outOfOrderness);
        String source = "file:" + input.getFileName();
        in.landed().sinkTo(ClickHouseSinks.sink(ch, LandingTables.SESSION_EVENTS))
                .name("ClickHouse session_events").uid("replay-session-events-sink");
        in.rejected()
                .map(r -> new RejectedRecord(source + ":" + r.line(), r.raw().getBytes(StandardCharsets.UTF_8),
                        r.reason(), source, System.currentTimeMillis()))
                .name("rejected record").uid("replay-rejected-record")
                .sinkTo(ClickHouseSinks.sink(ch, LandingTables.REJECTED_EVENTS))
                .name("ClickHouse rejected_events").uid("replay-rejected-sink");
        KpiStreams kpis = KpiJob.kpis(in.events(), config);
        KpiJob.sinkTo(kpis,
                ClickHouseSinks.sink(ch, KpiTables.SESSIONS),
                ClickHouseSinks.sink(ch, KpiTables.KPI_FACTS),
                ClickHouseSinks.sink(ch, KpiTables.KPI_ROLLUP),
                ClickHouseSinks.sink(ch, KpiTables.KPI_ROLLUP_COARSE),
                ClickHouseSinks.sink(ch, KpiTables.QUEUE_EWT),
                null,
                ClickHouseSinks.sink(ch, KpiTables.EWT_ACCURACY));
    }
}
