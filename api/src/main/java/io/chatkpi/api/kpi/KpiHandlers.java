package io.chatkpi.api.kpi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chatkpi.api.ewt.LiveEwt;
import io.chatkpi.api.ewt.LiveEwtStore;
import io.chatkpi.api.ewt.EwtHandlers.EwtResponse;
import io.chatkpi.api.http.ApiException;
import io.chatkpi.api.http.Json;
import io.chatkpi.api.http.Params;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/** /api/v1/kpis, /kpis/summary, /ewt/accuracy and /queues: ClickHouse figures for managers. */
public final class KpiHandlers {

    private final ClickHouseGateway clickhouse;
    private final LiveEwtStore ewt;
    private final Clock clock;

    public KpiHandlers(ClickHouseGateway clickhouse, LiveEwtStore ewt, Clock clock) {
        this.clickhouse = clickhouse;
        this.ewt = ewt;
        this.clock = clock;
    }

    /** GET /api/v1/kpis: a series with a bucket for every step of the range (empty ones too) and the totals. */
    public void series(Context ctx) {
        KpiRequest r = KpiRequest.parse(ctx);
        List<Instant> buckets = r.buckets();
        // the totals from the series' source: one response, one source
        KpiSource source = r.source(false);
        // the four queries side by side: the response waits for the slowest, not for their sum
        CompletableFuture<List<JsonNode>> seriesRows = source.seriesAsync(clickhouse, r.seriesValues(false), r.grain());
        CompletableFuture<List<JsonNode>> seriesDetails =
                source.breakdownAsync(clickhouse, r.breakdownValues(false), r.grain());
        PendingTotals totals = totals(r, source);
        Map<Long, JsonNode> rows = new HashMap<>();
        for (JsonNode row : ClickHouseGateway.await(seriesRows)) {
            rows.put(row.path("bucket").asLong(), row);
        }
        Map<Long, KpiMeasures.Breakdown> details = breakdowns(ClickHouseGateway.await(seriesDetails));
        // a set: up to 10,000 buckets, and a list's contains per row made the check quadratic
        Set<Long> bucketSeconds = new HashSet<>();
        for (Instant b : buckets) bucketSeconds.add(b.getEpochSecond());
        for (Long b : rows.keySet()) {
            // A bucket the SQL cut that Java did not means the two disagree on the zone's rules: fail loudly.
            if (!bucketSeconds.contains(b)) {
                throw new IllegalStateException("ClickHouse bucket " + Instant.ofEpochSecond(b)
                        + " is not one of the API's buckets for " + r.granularity().id() + " in " + r.zone());
            }
        }
        ObjectNode out = header(r);
        ArrayNode series = out.putArray("series");
        for (Instant b : buckets) {
            ObjectNode item = series.addObject();
            item.put("start", b.toString());
            item.put("startLocal", b.atZone(r.zone()).toOffsetDateTime().toString());
            long key = b.getEpochSecond();
            item.set("kpis", KpiMeasures.toJson(rows.get(key), details.getOrDefault(key, empty())));
        }
        out.set("totals", totals.json());
        ctx.header(KpiSource.HEADER, KpiSource.headerValue(r.sourceIds(source)));
        Json.stream(ctx, out);
    }

    /** GET /api/v1/kpis/summary: totals, and with compare=previous the previous period and the change. */
    public void summary(Context ctx) {
        KpiRequest r = KpiRequest.parse(ctx);
        String compare = Params.oneOf("compare", Params.optional(ctx, "compare"), java.util.Set.of("previous"));
        ObjectNode out = header(r);
        out.remove("granularity");
        KpiSource source = r.source(true);
        List<String> used = new ArrayList<>(r.sourceIds(source));
        PendingTotals pendingCurrent = totals(r, source);
        KpiRequest p = r.previous();
        PendingTotals pendingPrevious = compare == null ? null : totals(p, p.source(true));
        ObjectNode current = pendingCurrent.json();
        out.set("totals", current);
        if (compare != null) {
            used.addAll(p.sourceIds(p.source(true)));
            ObjectNode prev = pendingPrevious.json();
            ObjectNode previous = out.putObject("previous");
            previous.put("from", p.from().toString());
            previous.put("to", p.to().toString());
            previous.set("totals", prev);
            out.set("change", change(current, prev));
        }
        ctx.header(KpiSource.HEADER, KpiSource.headerValue(used));
        ctx.json(out);
    }

    /** GET /api/v1/ewt/accuracy. */
    public void accuracy(Context ctx) {
        ZoneId zone = Params.zone("tz", Params.optional(ctx, "tz"));
        Instant from = Params.instant("from", Params.required(ctx, "from"), zone);
        Instant to = Params.instant("to", Params.required(ctx, "to"), zone);
        if (!from.isBefore(to)) throw ApiException.badParameter("from", "must be before to");
        String queueId = Params.id("queueId", Params.optional(ctx, "queueId"));
        Map<String, Object> values = Map.of("from", from, "to", to, "queueId", queueId == null ? "" : queueId);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("from", from.toString());
        out.put("to", to.toString());
        ArrayNode queues = out.putArray("queues");
        for (JsonNode row : clickhouse.rows("ewt_accuracy", values)) {
            ObjectNode q = queues.addObject();
            long compared = row.path("compared").asLong();
            q.put("queueId", row.path("queueId").asText());
            q.put("queued", row.path("queuedCount").asLong());
            q.put("withoutEstimate", row.path("withoutEstimate").asLong());
            q.put("abandoned", row.path("abandonedCount").asLong());
            q.put("count", compared);
            if (compared == 0) {
                for (String f : List.of("biasMs", "meanAbsoluteErrorMs", "p90AbsoluteErrorMs", "within30sShare")) {
                    q.putNull(f);
                }
            } else {
                q.put("biasMs", (double) row.path("errorSum").asLong() / compared);
                q.put("meanAbsoluteErrorMs", (double) row.path("absErrorSum").asLong() / compared);
                q.put("p90AbsoluteErrorMs", row.path("absErrorP90").asLong());
                q.put("within30sShare", (double) row.path("within30s").asLong() / compared);
            }
        }
        ctx.json(out);
    }

    /** GET /api/v1/queues: live state per queue (ClickHouse) with the live EWT (memory). */
    public void queues(Context ctx) {
        long now = clock.millis();
        Map<String, ObjectNode> byQueue = new TreeMap<>();
        for (JsonNode row : clickhouse.rows("queues_live", Map.of())) {
            String queueId = row.path("queueId").asText();
            ObjectNode q = Json.MAPPER.createObjectNode();
            q.put("queueId", queueId.isEmpty() ? null : queueId);
            long waiting = row.path("waiting").asLong();
            q.put("waiting", waiting);
            if (waiting > 0) {
                q.put("longestCurrentWaitMs", Math.max(0, now - row.path("oldestWaitingSinceMs").asLong()));
            } else {
                q.putNull("longestCurrentWaitMs");
            }
            q.put("active", row.path("active").asLong());
            q.put("inactive", row.path("inactive").asLong());
            q.put("repsWithActiveSessions", row.path("repsBusy").asLong());
            byQueue.put(queueId, q);
        }
        for (LiveEwt e : ewt.all()) {
            byQueue.computeIfAbsent(e.queueId(), id -> {
                ObjectNode q = Json.MAPPER.createObjectNode();
                q.put("queueId", id);
                q.put("waiting", 0);
                q.putNull("longestCurrentWaitMs");
                q.put("active", 0);
                q.put("inactive", 0);
                q.put("repsWithActiveSessions", 0);
                return q;
            });
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("asOf", Instant.ofEpochMilli(now).toString());
        ArrayNode queues = out.putArray("queues");
        byQueue.forEach((id, q) -> {
            q.set("ewt", Json.MAPPER.valueToTree(EwtResponse.of(ewt.get(id))));
            queues.add(q);
        });
        ctx.json(out);
    }

    /** The whole-range queries of a request, started. */
    private record PendingTotals(CompletableFuture<List<JsonNode>> rows, CompletableFuture<List<JsonNode>> details) {
        ObjectNode json() {
            List<JsonNode> r = ClickHouseGateway.await(rows);
            Map<Long, KpiMeasures.Breakdown> d = breakdowns(ClickHouseGateway.await(details));
            JsonNode row = r.isEmpty() || r.get(0).path("started").isMissingNode() ? null : r.get(0);
            return KpiMeasures.toJson(row, d.getOrDefault(0L, empty()));
        }
    }

    private PendingTotals totals(KpiRequest r, KpiSource source) {
        return new PendingTotals(source.seriesAsync(clickhouse, r.seriesValues(true), r.grain()),
                source.breakdownAsync(clickhouse, r.breakdownValues(true), r.grain()));
    }

    private static Map<Long, KpiMeasures.Breakdown> breakdowns(List<JsonNode> rows) {
        Map<Long, Map<String, Map<String, Long>>> acc = new HashMap<>();
        for (JsonNode row : rows) {
            acc.computeIfAbsent(row.path("bucket").asLong(), k -> new HashMap<>())
                    .computeIfAbsent(row.path("kind").asText(), k -> new LinkedHashMap<>())
                    .put(row.path("detail").asText(), row.path("n").asLong());
        }
        Map<Long, KpiMeasures.Breakdown> out = new HashMap<>();
        acc.forEach((k, v) -> out.put(k, new KpiMeasures.Breakdown(v)));
        return out;
    }

    private static KpiMeasures.Breakdown empty() {
        return new KpiMeasures.Breakdown(Map.of());
    }

    private static ObjectNode header(KpiRequest r) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("from", r.from().toString());
        out.put("to", r.to().toString());
        out.put("tz", r.zone().getId());
        out.put("granularity", r.granularity().id());
        out.put("queueId", r.queueId());
        out.put("repId", r.repId());
        return out;
    }

    /**
     * For every number of the totals: {current, previous, delta, relative}; relative is null when previous is 0 or
     * either side unknown.
     */
    static ObjectNode change(JsonNode current, JsonNode previous) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        TreeSet<String> names = new TreeSet<>();
        current.fieldNames().forEachRemaining(names::add);
        previous.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            JsonNode c = current.path(name);
            JsonNode p = previous.path(name);
            if (c.isObject() || p.isObject()) {
                out.set(name, change(c.isObject() ? c : Json.MAPPER.createObjectNode(),
                        p.isObject() ? p : Json.MAPPER.createObjectNode()));
            } else {
                ObjectNode d = out.putObject(name);
                d.set("current", c.isMissingNode() ? Json.MAPPER.nullNode() : c);
                d.set("previous", p.isMissingNode() ? Json.MAPPER.nullNode() : p);
                if (c.isNumber() && p.isNumber()) {
                    d.put("delta", c.asDouble() - p.asDouble());
                    if (p.asDouble() == 0) d.putNull("relative");
                    else d.put("relative", (c.asDouble() - p.asDouble()) / p.asDouble());
                } else {
                    d.putNull("delta");
                    d.putNull("relative");
                }
            }
        }
        return out;
    }
}
