package io.chatkpi.api.kpi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chatkpi.api.http.Json;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The two views of the web dashboard no other endpoint gives a manager: KPIs per rep (/api/v1/reps) and the
 * published EWT over time per queue (/api/v1/ewt/history).
 */
public final class DashboardHandlers {

    private final ClickHouseGateway clickhouse;

    public DashboardHandlers(ClickHouseGateway clickhouse) {
        this.clickhouse = clickhouse;
    }

    /**
     * GET /api/v1/reps: one row per rep over the range, the same KPI object as /kpis totals (kpi_series.sql grouped
     * by rep, or kpi_rollup_series.sql per queue and rep), so a rep's figures equal /kpis?repId=… for that rep.
     */
    public void reps(Context ctx) {
        KpiRequest r = KpiRequest.parse(ctx);
        Map<String, Object> values = r.seriesValues(true);
        values.put("byRep", 1);
        KpiSource source = r.source(true);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("from", r.from().toString());
        out.put("to", r.to().toString());
        out.put("tz", r.zone().getId());
        out.put("queueId", r.queueId());
        ArrayNode reps = out.putArray("reps");
        for (JsonNode row : source.series(clickhouse, values, KpiSource.Grain.REP)) {
            String repId = row.path("repKey").asText();
            // facts before assignment (STARTED, QUEUED, NOT_ROUTED...) carry no rep: not a rep's work
            if (repId.isEmpty()) continue;
            ObjectNode rep = reps.addObject();
            rep.put("repId", repId);
            rep.set("kpis", KpiMeasures.toJson(row, new KpiMeasures.Breakdown(Map.of())));
        }
        ctx.header(KpiSource.HEADER, KpiSource.headerValue(r.sourceIds(source)));
        ctx.json(out);
    }

    /**
     * GET /api/v1/ewt/history: per queue, a point for every bucket of the range (null when the queue published no
     * estimate in it): the average and largest published EWT and how many changes were published.
     */
    public void ewtHistory(Context ctx) {
        KpiRequest r = KpiRequest.parse(ctx);
        List<Instant> buckets = r.buckets();
        Map<String, Object> values = ZoneOffsets.of(r.zone(), r.from(), r.to()).sqlValues(r.granularity().seconds());
        values.put("from", r.from());
        values.put("to", r.to());
        values.put("queueId", r.queueId() == null ? "" : r.queueId());
        Map<String, Map<Long, JsonNode>> byQueue = new TreeMap<>();
        for (JsonNode row : clickhouse.rows("ewt_history", values)) {
            byQueue.computeIfAbsent(row.path("queueId").asText(), q -> new HashMap<>())
                    .put(row.path("bucket").asLong(), row);
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("from", r.from().toString());
        out.put("to", r.to().toString());
        out.put("tz", r.zone().getId());
        out.put("granularity", r.granularity().id());
        ArrayNode starts = out.putArray("buckets");
        buckets.forEach(b -> starts.add(b.toString()));
        ArrayNode queues = out.putArray("queues");
        for (Map.Entry<String, Map<Long, JsonNode>> queue : byQueue.entrySet()) { // a TreeMap: by queueId
            ObjectNode q = queues.addObject();
            q.put("queueId", queue.getKey());
            ArrayNode points = q.putArray("points");
            Map<Long, JsonNode> rows = queue.getValue();
            for (Instant b : buckets) {
                JsonNode row = rows.get(b.getEpochSecond());
                ObjectNode p = points.addObject();
                p.put("start", b.toString());
                long n = row == null ? 0 : row.path("estimateCount").asLong();
                p.put("changes", row == null ? 0 : row.path("changes").asLong());
                if (n == 0) {
                    p.putNull("avgEstimatedWaitMs");
                    p.putNull("maxEstimatedWaitMs");
                } else {
                    p.put("avgEstimatedWaitMs", (double) row.path("estimateSum").asLong() / n);
                    p.put("maxEstimatedWaitMs", row.path("estimateMax").asLong());
                }
            }
        }
        ctx.json(out);
    }
}
