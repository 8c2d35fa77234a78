package io.chatkpi.api.kpi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Where the KPI figures of a request are read. {@link #ROLLUP}: kpi_rollup, the 15-minute slots the KPI job keeps
 * (thousands of rows for a month); {@link #FACTS}: every raw fact of kpi_facts, for what the slots cannot answer.
 * Both return the same columns with the same definitions (kpi_rollup_series.sql / kpi_series.sql,
 * kpi_rollup_breakdown.sql / kpi_breakdown.sql), so the choice changes the speed, never a figure.
 */
public enum KpiSource {
    ROLLUP("rollup", "kpi_rollup_series", "kpi_rollup_breakdown"),
    FACTS("facts", "kpi_series", "kpi_breakdown");

    /** The response header naming the source(s) that answered a KPI request. */
    public static final String HEADER = "X-Chatkpi-Kpi-Source";
    /** kpi_rollup's slot. */
    public static final long SLOT_SECONDS = 900;
    private static final String RANGE_PERCENTILES_QUERY = "kpi_rollup_range_percentiles";

    private final String id;
    private final String seriesQuery;
    private final String breakdownQuery;

    KpiSource(String id, String seriesQuery, String breakdownQuery) {
        this.id = id;
        this.seriesQuery = seriesQuery;
        this.breakdownQuery = breakdownQuery;
    }

    public String id() {
        return id;
    }

    /**
     * The rollup when every bucket and the range are whole slots: from / to on 15-minute marks and, unless the
     * request is for the whole range only (granularity null), 15m / 1h / 1d buckets in a zone whose offsets and
     * offset changes over the range all fall on 15-minute marks (then a fact's slot lies in the fact's bucket).
     */
    public static KpiSource choose(Instant from, Instant to, ZoneId zone, Granularity granularity) {
        if (from.getEpochSecond() % SLOT_SECONDS != 0 || to.getEpochSecond() % SLOT_SECONDS != 0) return FACTS;
        if (granularity == null) return ROLLUP;
        if (granularity.seconds() % SLOT_SECONDS != 0) return FACTS;
        return ZoneOffsets.of(zone, from, to).onSlotMarks(SLOT_SECONDS) ? ROLLUP : FACTS;
    }

    /**
     * The level a request counts distinct sessions at, and the rollup grain holding what it groups and filters on:
     * by rep (grouped or filtered) → per queue and rep; else by queue → per queue; else all.
     */
    public enum Grain {
        ALL(0, "session"), QUEUE(1, "queue"), REP(2, "rep");

        private final int code;
        private final String sessionLevel;

        Grain(int code, String sessionLevel) {
            this.code = code;
            this.sessionLevel = sessionLevel;
        }

        public static Grain of(boolean byQueue, boolean byRep, boolean queueFiltered, boolean repFiltered) {
            if (byRep || repFiltered) return REP;
            if (byQueue || queueFiltered) return QUEUE;
            return ALL;
        }

        /** The SESSION_K detail word counted at this grain (kpi_series.sql's sessionLevel). */
        public String sessionLevel() {
            return sessionLevel;
        }
    }

    /** Rows of the series query (kpi_series.sql's columns) for the values of {@link KpiRequest#seriesValues}. */
    public List<JsonNode> series(ClickHouseGateway clickhouse, Map<String, Object> values, Grain grain) {
        return ClickHouseGateway.await(seriesAsync(clickhouse, values, grain));
    }

    public CompletableFuture<List<JsonNode>> seriesAsync(ClickHouseGateway clickhouse, Map<String, Object> values,
                                                         Grain grain) {
        Map<String, Object> v = new HashMap<>(values);
        v.put("sessionLevel", grain.sessionLevel);
        if (this == FACTS) return clickhouse.rowsAsync(seriesQuery, v);
        v.put("grain", grain.code);
        boolean wholeRange = ((Number) values.get("bucketSeconds")).longValue() <= 0;
        boolean grouped = ((Number) values.get("byQueue")).intValue() == 1
                || ((Number) values.get("byRep")).intValue() == 1;
        if (!wholeRange || grouped) {
            v.put("percentiles", 1);
            return clickhouse.rowsAsync(seriesQuery, v);
        }
        // one range, one group: the counts here, the percentile keys from the query that merges a month of slots
        // faster (kpi_rollup_range_percentiles.sql), side by side
        v.put("percentiles", 0);
        Map<String, Object> p = new HashMap<>();
        for (String name : List.of("from", "to", "queueIds", "repIds")) p.put(name, values.get(name));
        p.put("grain", grain.code);
        return clickhouse.rowsAsync(seriesQuery, v)
                .thenCombine(clickhouse.rowsAsync(RANGE_PERCENTILES_QUERY, p), KpiSource::withPercentiles);
    }

    /** The whole-range row with the percentile keys of the other query put in. */
    private static List<JsonNode> withPercentiles(List<JsonNode> counts, List<JsonNode> keys) {
        if (counts.isEmpty() || keys.isEmpty()) return counts;
        ObjectNode row = counts.get(0).deepCopy();
        keys.get(0).fields().forEachRemaining(e -> {
            if (e.getKey().endsWith("Key") && !e.getKey().equals("queueKey") && !e.getKey().equals("repKey")) {
                row.set(e.getKey(), e.getValue());
            }
        });
        return List.of(row);
    }

    /** Rows of the breakdown query (kpi_breakdown.sql's columns) for the values of {@link KpiRequest#breakdownValues}. */
    public List<JsonNode> breakdown(ClickHouseGateway clickhouse, Map<String, Object> values, Grain grain) {
        return ClickHouseGateway.await(breakdownAsync(clickhouse, values, grain));
    }

    public CompletableFuture<List<JsonNode>> breakdownAsync(ClickHouseGateway clickhouse, Map<String, Object> values,
                                                            Grain grain) {
        Map<String, Object> v = new HashMap<>(values);
        if (this == ROLLUP) v.put("grain", grain.code);
        return clickhouse.rowsAsync(breakdownQuery, v);
    }

    /** The header value for the sources that answered one response (in order, once each). */
    public static String headerValue(List<KpiSource> used) {
        return String.join(",", used.stream().distinct().map(KpiSource::id).toList());
    }
}
