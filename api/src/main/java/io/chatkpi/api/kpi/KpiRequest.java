package io.chatkpi.api.kpi;

import io.chatkpi.api.http.ApiException;
import io.chatkpi.api.http.Params;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The common parameters of the KPI endpoints: {@code from, to, tz, granularity, queueId, repId, source}.
 * {@code source=facts} reads every raw fact even where the rollup could answer (the same figures, slower): to check
 * the rollup against its facts, or to see facts the rollup has not taken in yet (it lags by up to a checkpoint).
 */
public record KpiRequest(Instant from, Instant to, ZoneId zone, Granularity granularity, String queueId,
                         String repId, boolean rawFactsOnly) {

    /** The values of {@code source}: {@code auto} (the default) lets {@link KpiSource#choose} pick. */
    public static final Set<String> SOURCES = Set.of("auto", "facts");

    public static final int MAX_BUCKETS = 10_000;

    public static KpiRequest parse(Context ctx) {
        ZoneId zone = Params.zone("tz", Params.optional(ctx, "tz"));
        Instant from = Params.instant("from", Params.required(ctx, "from"), zone);
        Instant to = Params.instant("to", Params.required(ctx, "to"), zone);
        if (!from.isBefore(to)) throw ApiException.badParameter("from", "must be before to");
        String g = Params.optional(ctx, "granularity");
        Granularity granularity = g == null ? Granularity.HOUR : Granularity.fromId(g).orElseThrow(
                () -> ApiException.badParameter("granularity", "must be one of 1m, 5m, 15m, 1h, 1d"));
        String source = Params.oneOf("source", Params.optional(ctx, "source"), SOURCES);
        return new KpiRequest(from, to, zone, granularity, Params.id("queueId", Params.optional(ctx, "queueId")),
                Params.id("repId", Params.optional(ctx, "repId")), "facts".equals(source));
    }

    /** Bucket starts covering the range; 400 naming granularity when there would be too many. */
    public List<Instant> buckets() {
        return granularity.buckets(from, to, zone, MAX_BUCKETS).orElseThrow(() -> ApiException.badParameter(
                "granularity", "more than " + MAX_BUCKETS + " buckets in the range; choose a coarser granularity"));
    }

    /** The period of equal length just before this one. */
    public KpiRequest previous() {
        Duration length = Duration.between(from, to);
        return new KpiRequest(from.minus(length), from, zone, granularity, queueId, repId, rawFactsOnly);
    }

    /** Where the series (whole range only: total) is read from. */
    public KpiSource source(boolean total) {
        return rawFactsOnly ? KpiSource.FACTS : KpiSource.choose(from, to, zone, total ? null : granularity);
    }

    /** What a read of this request's range from {@code source} touches ({@link KpiSource#HEADER}). */
    public List<String> sourceIds(KpiSource source) {
        return source.ids(from, to);
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
