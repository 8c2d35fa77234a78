package io.chatkpi.jobs.kpi;

import static io.chatkpi.jobs.sink.ClickHouseBind.dateTime;
import static io.chatkpi.jobs.sink.ClickHouseBind.flag;
import static io.chatkpi.jobs.sink.ClickHouseBind.nullableDateTime;
import static io.chatkpi.jobs.sink.ClickHouseBind.nullableDouble;
import static io.chatkpi.jobs.sink.ClickHouseBind.nullableLong;
import static io.chatkpi.jobs.sink.ClickHouseBind.nullableString;

import io.chatkpi.ingest.ewt.EwtFigures;
import io.chatkpi.ingest.ewt.EwtSnapshot;
import io.chatkpi.jobs.sink.ClickHouseTable;
import java.util.List;

/** The KPI tables (schema: {@code sql/schema/002_kpi_tables.sql}) and how rows are bound to them. */
public final class KpiTables {

    public static final ClickHouseTable<SessionRow> SESSIONS = new ClickHouseTable<>(
            "sessions",
            List.of("sessionId", "channel", "topic", "queueId", "repId", "startedAt", "startedAtMs", "endedAt",
                    "endedAtMs", "endedBy", "status", "waitMs", "queueWaits", "firstResponseMs", "repReplies",
                    "repResponseSumMs", "repAvgResponseMs", "repMaxResponseMs", "handleMs", "acwMs", "inactiveCount",
                    "autoInactiveCount", "reactivated", "endedAfterInactivity", "abandoned", "notRoutedReason",
                    "caseCreated", "endUserMessages", "repMessages", "version"),
            (ps, r) -> {
                ps.setString(1, r.sessionId());
                nullableString(ps, 2, r.channel());
                nullableString(ps, 3, r.topic());
                nullableString(ps, 4, r.queueId());
                nullableString(ps, 5, r.repId());
                dateTime(ps, 6, r.startedAtMs());
                ps.setLong(7, r.startedAtMs());
                nullableDateTime(ps, 8, r.endedAtMs());
                nullableLong(ps, 9, r.endedAtMs());
                nullableString(ps, 10, r.endedBy());
                ps.setString(11, r.status().name());
                ps.setLong(12, r.waitMs());
                ps.setLong(13, r.queueWaits());
                nullableLong(ps, 14, r.firstResponseMs());
                ps.setLong(15, r.repReplies());
                ps.setLong(16, r.repResponseSumMs());
                nullableDouble(ps, 17, r.repAvgResponseMs());
                nullableLong(ps, 18, r.repMaxResponseMs());
                ps.setLong(19, r.handleMs());
                nullableLong(ps, 20, r.acwMs());
                ps.setLong(21, r.inactiveCount());
                ps.setLong(22, r.autoInactiveCount());
                flag(ps, 23, r.reactivated());
                flag(ps, 24, r.endedAfterInactivity());
                flag(ps, 25, r.abandoned());
                nullableString(ps, 26, r.notRoutedReason());
                flag(ps, 27, r.caseCreated());
                ps.setLong(28, r.endUserMessages());
                ps.setLong(29, r.repMessages());
                ps.setLong(30, r.version());
            });

    public static final ClickHouseTable<KpiFact> KPI_FACTS = new ClickHouseTable<>(
            "kpi_facts",
            List.of("factId", "sessionId", "kind", "at", "atMs", "queueId", "repId", "valueMs", "detail", "flag",
                    "version", "deleted"),
            (ps, f) -> {
                ps.setString(1, f.factId());
                ps.setString(2, f.sessionId());
                ps.setString(3, f.kind().name());
                dateTime(ps, 4, f.atMs());
                ps.setLong(5, f.atMs());
                ps.setString(6, f.queueId() == null ? "" : f.queueId());
                ps.setString(7, f.repId() == null ? "" : f.repId());
                nullableLong(ps, 8, f.valueMs());
                ps.setString(9, f.detail() == null ? "" : f.detail());
                flag(ps, 10, f.flag());
                ps.setLong(11, f.version());
                flag(ps, 12, f.deleted());
            });

    /**
     * kpi_rollup ({@code sql/schema/004_kpi_rollup.sql}). clickhouse-jdbc 0.11 renders a bound {@code int[]} /
     * {@code long[]} as an array literal, which 18.16 takes for Array(UInt16) / Array(Int64) (KpiRollupSinkTest).
     */
    public static final ClickHouseTable<RollupRow> KPI_ROLLUP = new ClickHouseTable<>(
            "kpi_rollup",
            List.of("grain", "slot", "queueId", "repId", "kind", "detail", "flag", "facts", "valueCount",
                    "valueSumMs", "valueMaxMs", "histKeys", "histCounts", "version"),
            (ps, r) -> {
                ps.setInt(1, r.grain());
                dateTime(ps, 2, r.slotMs());
                ps.setString(3, r.queueId());
                ps.setString(4, r.repId());
                ps.setString(5, r.kind());
                ps.setString(6, r.detail());
                flag(ps, 7, r.flag());
                ps.setLong(8, r.facts());
                ps.setLong(9, r.valueCount());
                ps.setLong(10, r.valueSumMs());
                ps.setLong(11, r.valueMaxMs());
                ps.setInts(12, r.histKeys());
                ps.setLongs(13, r.histCounts());
                ps.setLong(14, r.version());
            });

    /**
     * kpi_rollup_coarse ({@code sql/schema/005_kpi_rollup_coarse.sql}): kpi_rollup's columns after the span, the
     * histogram packed ({@link #packedHistogram}).
     */
    public static final ClickHouseTable<CoarseRollupRow> KPI_ROLLUP_COARSE = new ClickHouseTable<>(
            "kpi_rollup_coarse",
            List.of("span", "grain", "slot", "queueId", "repId", "kind", "detail", "flag", "facts", "valueCount",
                    "valueSumMs", "valueMaxMs", "histogram", "version"),
            (ps, c) -> {
                RollupRow r = c.row();
                ps.setInt(1, c.spanSeconds());
                ps.setInt(2, r.grain());
                dateTime(ps, 3, r.slotMs());
                ps.setString(4, r.queueId());
                ps.setString(5, r.repId());
                ps.setString(6, r.kind());
                ps.setString(7, r.detail());
                flag(ps, 8, r.flag());
                ps.setLong(9, r.facts());
                ps.setLong(10, r.valueCount());
                ps.setLong(11, r.valueSumMs());
                ps.setLong(12, r.valueMaxMs());
                ps.setLongs(13, packedHistogram(r.histKeys(), r.histCounts()));
                ps.setLong(14, r.version());
            });

    /** Each (key, count) as key * 2^40 + count, in the keys' (ascending) order: kpi_rollup_coarse.histogram. */
    public static long[] packedHistogram(int[] keys, long[] counts) {
        long[] packed = new long[keys.length];
        for (int i = 0; i < keys.length; i++) {
            packed[i] = ((long) keys[i] << 40) + counts[i];
        }
        return packed;
    }

    public static final ClickHouseTable<EwtSnapshot> QUEUE_EWT = new ClickHouseTable<>(
            "queue_ewt",
            List.of("queueId", "asOf", "asOfMs", "estimatedWaitMs", "meanWaitMs", "p50WaitMs", "p90WaitMs",
                    "sampleSize"),
            (ps, s) -> {
                EwtFigures f = s.figures();
                ps.setString(1, s.queueId());
                dateTime(ps, 2, s.asOfMs());
                ps.setLong(3, s.asOfMs());
                nullableLong(ps, 4, f.estimatedWaitMs());
                nullableLong(ps, 5, f.meanWaitMs());
                nullableLong(ps, 6, f.p50WaitMs());
                nullableLong(ps, 7, f.p90WaitMs());
                ps.setInt(8, f.sampleSize());
            });

    public static final ClickHouseTable<EwtAccuracyRow> EWT_ACCURACY = new ClickHouseTable<>(
            "ewt_accuracy",
            List.of("queueId", "sessionId", "queuedAt", "queuedAtMs", "predictedMs", "sampleSize", "actualMs",
                    "abandoned", "version"),
            (ps, a) -> {
                ps.setString(1, a.queueId());
                ps.setString(2, a.sessionId());
                dateTime(ps, 3, a.queuedAtMs());
                ps.setLong(4, a.queuedAtMs());
                nullableLong(ps, 5, a.predictedMs());
                ps.setInt(6, a.sampleSize());
                nullableLong(ps, 7, a.actualMs());
                flag(ps, 8, a.abandoned());
                // a closed wait replaces the open row whatever order the two inserts land in
                ps.setInt(9, a.actualMs() != null || a.abandoned() ? 1 : 0);
            });

    private KpiTables() {}
}
