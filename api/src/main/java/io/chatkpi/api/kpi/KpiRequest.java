package io.chatkpi.api.kpi;

import io.chatkpi.api.http.ApiException;
import io.chatkpi.api.http.Params;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/** The common parameters of the KPI endpoints: {@code from, to, tz, granularity, queueId, repId}. */
public record KpiRequest(Instant from, Instant to, ZoneId zone, Granularity granularity, String queueId,
                         String repId) {

    public static final int MAX_BUCKETS = 10_000;

    public static KpiRequest parse(Context ctx) {
        ZoneId zone = Params.zone("tz", Params.optional(ctx, "tz"));
        Instant from = Params.instant("from", Params.required(ctx, "from"), zone);
        Instant to = Params.instant("to", Params.required(ctx, "to"), zone);
        if (!from.isBefore(to)) throw ApiException.badParameter("from", "must be before to");
        String g = Params.optional(ctx, "granularity");
        Granularity granularity = g == null ? Granularity.HOUR : Granularity.fromId(g).orElseThrow(
                () -> ApiException.badParameter("granularity", "must be one of 1m, 5m, 15m, 1h, 1d"));
        return new KpiRequest(from, to, zone, granularity, Params.id("queueId", Params.optional(ctx, "queueId")),
                Params.id("repId", Params.optional(ctx, "repId")));
    }

    /** Bucket starts covering the range; 400 naming granularity when there would be too many. */
    public List<Instant> buckets() {
        return granularity.buckets(from, to, zone, MAX_BUCKETS).orElseThrow(() -> ApiException.badParameter(
                "granularity", "more than " + MAX_BUCKETS + " buckets in the range; choose a coarser granularity"));
    }

    /** The period of equal length just before this one. */
    public KpiRequest previous() {
        Duration length = Duration.between(from, to);
        return new KpiRequest(from.minus(length), from, zone, granularity, queueId, repId);
    }

    /** Where the series (whole range only: total) is read from. */
    public KpiSource source(boolean total) {
        return KpiSource.choose(from, to, zone, total ? null : granularity);
    }

    /** The grain of the filters (this request groups by time only). */
    public KpiSource.Grain grain() {
        return KpiSource.Grain.of(false, false, queueId != null, repId != null);
    }

    /** Values for kpi_breakdown.sql / kpi_rollup_breakdown.sql; total = the whole range in one row (bucket 0). */
    public Map<String, Object> breakdownValues(boolean total) {
        Map<String, Object> v = ZoneOffsets.of(zone, from, to).sqlValues(total ? 0 : granularity.seconds());
        v.put("from", from);
        v.put("to", to);
        v.put("queueId", queueId == null ? "" : queueId);
        v.put("repId", repId == null ? "" : repId);
        return v;
    }

    /** Values for kpi_series.sql / kpi_rollup_series.sql, not grouped by queue or rep. */
    public Map<String, Object> seriesValues(boolean total) {
        Map<String, Object> v = ZoneOffsets.of(zone, from, to).sqlValues(total ? 0 : granularity.seconds());
        v.put("from", from);
        v.put("to", to);
        v.put("byQueue", 0);
        v.put("byRep", 0);
        v.put("queueIds", queueId == null ? List.of() : List.of(queueId));
        v.put("repIds", repId == null ? List.of() : List.of(repId));
        return v;
    }
}
