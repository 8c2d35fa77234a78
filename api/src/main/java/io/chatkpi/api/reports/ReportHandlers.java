package io.chatkpi.api.reports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chatkpi.api.ApiServer;
import io.chatkpi.api.auth.Caller;
import io.chatkpi.api.http.ApiException;
import io.chatkpi.api.http.Csv;
import io.chatkpi.api.http.Json;
import io.chatkpi.api.http.Params;
import io.chatkpi.api.kpi.ClickHouseGateway;
import io.chatkpi.api.kpi.KpiMeasures;
import io.chatkpi.api.kpi.KpiSource;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** Reports for analysts: the catalog, ad-hoc runs, and saved reports stored in ClickHouse. */
public final class ReportHandlers {

    private static final Pattern REPORT_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final ClickHouseGateway clickhouse;
    private final Clock clock;

    public ReportHandlers(ClickHouseGateway clickhouse, Clock clock) {
        this.clickhouse = clickhouse;
        this.clock = clock;
    }

    public void catalog(Context ctx) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode metrics = out.putArray("metrics");
        ReportCatalog.METRICS.values().forEach(m -> metrics.addObject().put("name", m.name()).put("unit", m.unit())
                .put("description", m.description()));
        ArrayNode dims = out.putArray("dimensions");
        ReportCatalog.DIMENSIONS.values().forEach(d -> dims.addObject().put("name", d.name())
                .put("description", d.description()));
        ArrayNode filters = out.putArray("filters");
        ReportCatalog.FILTERS.values().forEach(f -> filters.addObject().put("name", f.name()).put("type", f.type())
                .put("description", f.description()));
        out.putArray("granularities").add("1m").add("5m").add("15m").add("1h").add("1d");
        ctx.json(out);
    }

    /** POST /api/v1/reports/run. */
    public void run(Context ctx) {
        JsonNode body = jsonBody(ctx);
        ReportDefinition def = ReportDefinition.parse(body, "");
        String format = body.path("format").isTextual() ? body.get("format").asText() : null;
        respond(ctx, def, Params.oneOf("format", format, Set.of("json", "csv")));
    }

    /** POST /api/v1/reports: {name, definition}. */
    public void save(Context ctx) {
        JsonNode body = jsonBody(ctx);
        body.fieldNames().forEachRemaining(f -> {
            if (!Set.of("name", "definition").contains(f)) throw ApiException.badParameter(f, "unknown field");
        });
        JsonNode nameNode = body.get("name");
        if (nameNode == null || !nameNode.isTextual() || nameNode.asText().isBlank()
                || nameNode.asText().length() > 200) {
            throw ApiException.badParameter("name", "required: a string of 1..200 characters");
        }
        if (nameNode.asText().codePoints().anyMatch(c -> c >= 0xD800 && c <= 0xDFFF)) {
            throw ApiException.badParameter("name", "not valid Unicode");
        }
        ReportDefinition def = ReportDefinition.parse(body.get("definition"), "definition.");
        String id = UUID.randomUUID().toString();
        Instant now = Instant.ofEpochMilli(clock.millis());
        Caller caller = ApiServer.caller(ctx);
        Map<String, Object> values = new HashMap<>();
        values.put("reportId", id);
        values.put("name", nameNode.asText());
        values.put("definition", def.toJson().toString());
        values.put("createdAt", now);
        values.put("createdBy", caller == null ? "" : caller.role().id() + ":" + caller.keyId());
        values.put("version", 1L);
        values.put("deleted", 0);
        clickhouse.execute("saved_report_insert", values);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("id", id);
        out.put("name", nameNode.asText());
        out.put("createdAt", now.toString());
        out.set("definition", def.toJson());
        ctx.status(201).json(out);
    }

    public void list(Context ctx) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode reports = out.putArray("reports");
        for (JsonNode row : clickhouse.rows("saved_reports_list", Map.of("reportId", ""))) {
            reports.add(summary(row));
        }
        ctx.json(out);
    }

    public void get(Context ctx) {
        JsonNode row = find(ctx.pathParam("id"));
        ObjectNode out = summary(row);
        out.set("definition", parseStored(row));
        ctx.json(out);
    }

    public void runSaved(Context ctx) {
        JsonNode row = find(ctx.pathParam("id"));
        ReportDefinition def = ReportDefinition.parse(parseStored(row), "definition.");
        respond(ctx, def, Params.oneOf("format", Params.optional(ctx, "format"), Set.of("json", "csv")));
    }

    public void delete(Context ctx) {
        JsonNode row = find(ctx.pathParam("id"));
        Map<String, Object> values = new HashMap<>();
        values.put("reportId", row.path("reportId").asText());
        values.put("name", row.path("name").asText());
        values.put("definition", row.path("definition").asText());
        values.put("createdAt", Instant.ofEpochSecond(row.path("createdAtSeconds").asLong()));
        values.put("createdBy", row.path("createdBy").asText());
        values.put("version", row.path("version").asLong() + 1);
        values.put("deleted", 1);
        clickhouse.execute("saved_report_insert", values);
        ctx.json(Map.of("deleted", row.path("reportId").asText()));
    }

    private JsonNode find(String id) {
        if (!REPORT_ID.matcher(id).matches()) throw ApiException.notFound("no report " + Params.clip(id));
        List<JsonNode> rows = clickhouse.rows("saved_reports_list", Map.of("reportId", id));
        if (rows.isEmpty()) throw ApiException.notFound("no report " + id);
        return rows.get(0);
    }

    private static ObjectNode summary(JsonNode row) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", row.path("reportId").asText());
        o.put("name", row.path("name").asText());
        o.put("createdAt", Instant.ofEpochSecond(row.path("createdAtSeconds").asLong()).toString());
        o.put("createdBy", row.path("createdBy").asText());
        return o;
    }

    private static JsonNode parseStored(JsonNode row) {
        try {
            return Json.MAPPER.readTree(row.path("definition").asText());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored report " + row.path("reportId").asText() + " is not JSON", e);
        }
    }

    static JsonNode jsonBody(Context ctx) {
        String body = ctx.body();
        if (body.isBlank()) throw ApiException.badParameter("body", "a JSON object is required");
        try {
            return Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badParameter("body", "not valid JSON (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")");
        }
    }

    /** Runs a definition and answers with rows as JSON or CSV. */
    private void respond(Context ctx, ReportDefinition def, String format) {
        List<Map<String, Object>> rows = new ArrayList<>();
        KpiSource source = def.source();
        ctx.header(KpiSource.HEADER, KpiSource.headerValue(source.ids(def.from(), def.to())));
        for (JsonNode row : source.series(clickhouse, def.sqlValues(), def.grain())) {
            ObjectNode kpis = KpiMeasures.toJson(row, new KpiMeasures.Breakdown(Map.of()));
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            for (String d : def.groupBy()) {
                switch (d) {
                    case "time" -> out.put("time", Instant.ofEpochSecond(row.path("bucket").asLong())
                            .atZone(def.zone()).toOffsetDateTime().toString());
                    case "queueId" -> out.put("queueId", row.path("queueKey").asText());
                    case "repId" -> out.put("repId", row.path("repKey").asText());
                    default -> throw new IllegalStateException("dimension " + d);
                }
            }
            for (String m : def.metrics()) {
                JsonNode v = kpis;
                for (String part : ReportCatalog.METRICS.get(m).path().split("\\.")) v = v.path(part);
                out.put(m, v.isNull() || v.isMissingNode() ? null : v.isIntegralNumber() ? (Object) v.asLong()
                        : (Object) v.asDouble());
            }
            rows.add(out);
        }
        if (def.orderBy() != null) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            Comparator<Map<String, Object>> c = Comparator.comparing(
                    (Map<String, Object> r) -> (Comparable) r.get(def.orderBy()),
                    Comparator.nullsLast(Comparator.<Comparable>naturalOrder()));
            rows.sort(def.descending() ? c.reversed() : c);
        }
        boolean truncated = rows.size() > def.limit();
        if (truncated) rows = rows.subList(0, def.limit());
        String accept = ctx.header("Accept");
        boolean csv = "csv".equals(format) || (format == null && accept != null && accept.contains("text/csv"));
        List<String> columns = new ArrayList<>(def.groupBy());
        columns.addAll(def.metrics());
        if (csv) {
            StringBuilder b = new StringBuilder(Csv.line(columns));
            for (Map<String, Object> r : rows) b.append(Csv.line(columns.stream().map(r::get).toList()));
            ctx.contentType("text/csv; charset=utf-8").result(b.toString());
            return;
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode cols = out.putArray("columns");
        for (String d : def.groupBy()) cols.addObject().put("name", d).put("kind", "dimension");
        for (String m : def.metrics()) cols.addObject().put("name", m).put("kind", "metric")
                .put("unit", ReportCatalog.METRICS.get(m).unit());
        out.set("rows", Json.MAPPER.valueToTree(rows));
        out.put("truncated", truncated);
        out.set("definition", def.toJson());
        ctx.json(out);
    }
}
