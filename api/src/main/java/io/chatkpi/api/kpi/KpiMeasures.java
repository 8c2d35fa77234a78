package io.chatkpi.api.kpi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chatkpi.api.http.Json;
import io.chatkpi.ingest.kpi.LogHistogram;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns one row of kpi_series.sql or kpi_rollup_series.sql (plus its breakdown counts) into the KPI object of the
 * API. Averages are sum / count and rates are count / count, computed here from the exact figures of the row; with a
 * zero denominator they are null (unknown), while counts are 0. Percentiles: the row names the LogHistogram bucket
 * of each (xP50Key, xP90Key, the bucket LogHistogram.quantile finds), read as the bucket's representative (within
 * 1 % of the exact percentile).
 */
public final class KpiMeasures {

    /** The durations reported with count, sum, avg, max, p50, p90 (ms), and their column prefix in the SQL. */
    public static final Map<String, String> DURATIONS = Map.of(
            "waitMs", "wait",
            "firstResponseMs", "firstResponse",
            "repResponseMs", "repResponse",
            "handleMs", "handle",
            "acwMs", "acw");

    private static final List<String> DURATION_ORDER =
            List.of("waitMs", "firstResponseMs", "repResponseMs", "handleMs", "acwMs");

    /** Counts copied as they are: API name = SQL column. */
    public static final List<String> COUNTS = List.of("started", "queued", "answered", "answeredWithinSl",
            "abandoned", "notRouted", "casesCreated", "ended", "inactiveEvents", "autoInactiveEvents", "reactivated",
            "endedAfterInactivity", "sessionsAnswered", "sessionsJoined", "sessionsInactive", "sessionsReactivated");

    private KpiMeasures() {}

    /** Detail counts of one bucket: kind → detail → n. */
    public record Breakdown(Map<String, Map<String, Long>> byKind) {
        public Map<String, Long> of(String kind) {
            return byKind.getOrDefault(kind, Map.of());
        }
    }

    /**
     * @param row a kpi_series.sql row, or null for a bucket with no facts
     */
    public static ObjectNode toJson(JsonNode row, Breakdown breakdown) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        for (String c : COUNTS) o.put(c, count(row, c));
        o.set("notRoutedByReason", Json.MAPPER.valueToTree(new TreeMap<>(breakdown.of("NOT_ROUTED"))));
        o.set("endedBy", Json.MAPPER.valueToTree(new TreeMap<>(breakdown.of("ENDED"))));
        for (String name : DURATION_ORDER) {
            String p = DURATIONS.get(name);
            ObjectNode d = o.putObject(name);
            long n = count(row, p + "Count");
            d.put("count", n);
            d.put("sum", count(row, p + "Sum"));
            if (n == 0) {
                d.putNull("avg");
                d.putNull("max");
                d.putNull("p50");
                d.putNull("p90");
            } else {
                d.put("avg", (double) count(row, p + "Sum") / n);
                d.put("max", count(row, p + "Max"));
                d.put("p50", LogHistogram.representative(row.path(p + "P50Key").asInt()));
                d.put("p90", LogHistogram.representative(row.path(p + "P90Key").asInt()));
            }
        }
        ObjectNode rates = o.putObject("rates");
        // sessions a rep joined (JOINED), not sessions answered from a queue: a join needs no wait before it
        rate(rates, "inactivityRate", count(row, "sessionsInactive"), count(row, "sessionsJoined"));
        rate(rates, "reactivationRate", count(row, "sessionsReactivated"), count(row, "sessionsInactive"));
        rate(rates, "abandonmentRate", count(row, "abandoned"), count(row, "queued"));
        rate(rates, "serviceLevel", count(row, "answeredWithinSl"), count(row, "answered"));
        rate(rates, "autoInactiveShare", count(row, "autoInactiveEvents"), count(row, "inactiveEvents"));
        return o;
    }

    private static void rate(ObjectNode rates, String name, long numerator, long denominator) {
        if (denominator == 0) rates.putNull(name);
        else rates.put(name, (double) numerator / denominator);
    }

    static long count(JsonNode row, String column) {
        return row == null ? 0 : row.path(column).asLong();
    }
}
