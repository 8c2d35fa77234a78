package io.chatkpi.api.kpi;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Where the KPI figures of a request are read. {@link #ROLLUP}: kpi_rollup, the 15-minute slots the KPI job keeps,
 * and kpi_rollup_coarse, the same added up per hour and per day (see {@link Cover}), with the raw facts of the partial
 * slots at the ends of a range off the 15-minute marks; {@link #FACTS}: every raw fact of kpi_facts, for what the
 * slots cannot answer (1m / 5m buckets, zone offsets off the marks) or when a request asks for it ({@code source=facts}).
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
    /** The section of the rollup queries that reads the raw facts of the partial slots at a range's ends. */
    public static final String EDGES = "edges";

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
     * The rollup when every bucket is whole slots: unless the request is for the whole range only (granularity null),
     * 15m / 1h / 1d buckets in a zone whose offsets and offset changes over the range all fall on 15-minute marks
     * (then a fact's slot lies in the fact's bucket). from / to may lie anywhere: the partial slots at the ends are
     * read from the raw facts (at most two slots' worth).
     */
    public static KpiSource choose(Instant from, Instant to, ZoneId zone, Granularity granularity) {
        if (granularity == null) return ROLLUP;
        if (granularity.seconds() % SLOT_SECONDS != 0) return FACTS;
        return ZoneOffsets.of(zone, from, to).onSlotMarks(SLOT_SECONDS) ? ROLLUP : FACTS;
    }

    /** What a read of [from, to) from this source touches, for {@link #HEADER}: the rollup, with the edges' facts. */
    public List<String> ids(Instant from, Instant to) {
        if (this == FACTS) return List.of(FACTS.id);
        return onMarks(from, to) ? List.of(ROLLUP.id) : List.of(ROLLUP.id, FACTS.id);
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
        return rollupRowsAsync(clickhouse, seriesQuery, v);
    }

    /**
     * A rollup query over its cover; on the 15-minute marks without its raw-facts branch (section {@link #EDGES}),
     * which would read nothing there but still cost a few ms of every request (a UNION ALL branch is set up and run
     * whatever it reads; measured on the bench's month: ~8 ms of ~130).
     */
    private static CompletableFuture<List<JsonNode>> rollupRowsAsync(ClickHouseGateway clickhouse, String query,
                                                                     Map<String, Object> v) {
        v.putAll(Cover.of(v).sqlValues());
        if (!onMarks((Instant) v.get("from"), (Instant) v.get("to"))) return clickhouse.rowsAsync(query, v);
        // from / to bound only the edges: the whole slots are [slotsFrom, slotsTo)
        v.remove("from");
        v.remove("to");
        return clickhouse.rowsAsync(query, EDGES, v);
    }

    private static boolean onMarks(Instant from, Instant to) {
        return from.getEpochSecond() % SLOT_SECONDS == 0 && to.getEpochSecond() % SLOT_SECONDS == 0;
    }

    /**
     * How kpi_rollup_series.sql reads a range [from, to): the raw facts over [from, slotsFrom) and [slotsTo, to) (the
     * partial slots at the ends, empty when from / to are on 15-minute marks), 15-minute rows (kpi_rollup) over
     * [slotsFrom, hoursFrom) and [hoursTo, slotsTo), hourly rows (kpi_rollup_coarse) over [hoursFrom, daysFrom) and
     * [daysTo, hoursTo), daily rows over [daysFrom, daysTo). The coarsest rows that lie whole inside one bucket, so a
     * month reads ~30 daily or ~720 hourly histograms per kind instead of ~2,900: merging histograms is what a request
     * spends its time on.
     */
    public record Cover(Instant slotsFrom, Instant hoursFrom, Instant daysFrom, Instant daysTo, Instant hoursTo,
                        Instant slotsTo) {

        public static final long HOUR = 3_600;
        public static final long DAY = 86_400;

        /**
         * The longest span (86,400, 3,600 or {@link #SLOT_SECONDS}) whose rows each lie in one bucket: one that
         * divides the bucket and every UTC offset and offset change of the zone (then local bucket bounds are UTC
         * span bounds). bucketSeconds 0 (the whole range, one bucket): days.
         */
        public static long coarsestSpan(long bucketSeconds, List<Long> offsets, List<Long> transitions) {
            if (bucketSeconds <= 0) return DAY;
            for (long span : new long[] {DAY, HOUR}) {
                if (bucketSeconds % span == 0 && offsets.stream().allMatch(o -> o % span == 0)
                        && transitions.stream().allMatch(t -> t % span == 0)) {
                    return span;
                }
            }
            return SLOT_SECONDS;
        }

        /** The cover of a query's from, to, bucketSeconds, offsets and transitions. */
        static Cover of(Map<String, Object> values) {
            @SuppressWarnings("unchecked") List<Long> offsets = (List<Long>) values.get("offsets");
            @SuppressWarnings("unchecked") List<Long> transitions = (List<Long>) values.get("transitions");
            long span = coarsestSpan(((Number) values.get("bucketSeconds")).longValue(), offsets, transitions);
            return of((Instant) values.get("from"), (Instant) values.get("to"), span);
        }

        /**
         * [from, to) as the whole slots inside it, of them whole days, then whole hours, of at most {@code span}, then
         * slots; what is left at the ends (less than a slot each) is the raw facts'.
         */
        public static Cover of(Instant from, Instant to, long span) {
            long t = to.getEpochSecond();
            long slotsFrom = Math.min(ceil(from.getEpochSecond(), SLOT_SECONDS), t);
            long slotsTo = Math.max(Math.floorDiv(t, SLOT_SECONDS) * SLOT_SECONDS, slotsFrom);
            long f = slotsFrom;
            long hoursFrom = slotsTo;
            long hoursTo = slotsTo;
            long daysFrom = slotsTo;
            long daysTo = slotsTo;
            if (span >= HOUR && ceil(f, HOUR) < Math.floorDiv(slotsTo, HOUR) * HOUR) {
                hoursFrom = ceil(f, HOUR);
                hoursTo = Math.floorDiv(slotsTo, HOUR) * HOUR;
                daysFrom = hoursTo;
                daysTo = hoursTo;
                if (span >= DAY && ceil(f, DAY) < Math.floorDiv(slotsTo, DAY) * DAY) {
                    daysFrom = ceil(f, DAY);
                    daysTo = Math.floorDiv(slotsTo, DAY) * DAY;
                }
            }
            return new Cover(Instant.ofEpochSecond(slotsFrom), Instant.ofEpochSecond(hoursFrom),
                    Instant.ofEpochSecond(daysFrom), Instant.ofEpochSecond(daysTo), Instant.ofEpochSecond(hoursTo),
                    Instant.ofEpochSecond(slotsTo));
        }

        private static long ceil(long seconds, long unit) {
            return Math.floorDiv(seconds + unit - 1, unit) * unit;
        }

        /** The placeholders of kpi_rollup_series.sql: slotsFrom, hoursFrom, daysFrom, daysTo, hoursTo, slotsTo. */
        public Map<String, Object> sqlValues() {
            return Map.of("slotsFrom", slotsFrom, "hoursFrom", hoursFrom, "daysFrom", daysFrom, "daysTo", daysTo,
                    "hoursTo", hoursTo, "slotsTo", slotsTo);
        }
    }

    /** Rows of the breakdown query (kpi_breakdown.sql's columns) for the values of {@link KpiRequest#breakdownValues}. */
    public List<JsonNode> breakdown(ClickHouseGateway clickhouse, Map<String, Object> values, Grain grain) {
        return ClickHouseGateway.await(breakdownAsync(clickhouse, values, grain));
    }

    public CompletableFuture<List<JsonNode>> breakdownAsync(ClickHouseGateway clickhouse, Map<String, Object> values,
                                                            Grain grain) {
        Map<String, Object> v = new HashMap<>(values);
        if (this == FACTS) return clickhouse.rowsAsync(breakdownQuery, v);
        v.put("grain", grain.code);
        return rollupRowsAsync(clickhouse, breakdownQuery, v);
    }

    /** The header value for the sources that answered one response (in order, once each; see {@link #ids}). */
    public static String headerValue(List<String> ids) {
        return String.join(",", ids.stream().distinct().toList());
    }
}
