package io.chatkpi.api.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chatkpi.api.http.ApiException;
import io.chatkpi.api.http.Json;
import io.chatkpi.api.http.Params;
import io.chatkpi.api.kpi.Granularity;
import io.chatkpi.api.kpi.KpiRequest;
import io.chatkpi.api.kpi.KpiSource;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated report: {@code {metrics, groupBy, filters, from, to, tz, granularity?, orderBy?, limit?}}. Every name
 * is checked against the {@link ReportCatalog}; filter values are data, bound as escaped literals. Errors are 400s
 * naming the field (e.g. {@code metrics[2]}).
 */
public record ReportDefinition(List<String> metrics, List<String> groupBy, List<String> queueIds,
                               List<String> repIds, Instant from, Instant to, ZoneId zone, Granularity granularity,
                               String orderBy, boolean descending, int limit) {

    public static final int MAX_LIMIT = 10_000;
    private static final Set<String> FIELDS = Set.of("metrics", "groupBy", "filters", "from", "to", "tz",
            "granularity", "orderBy", "limit", "format");

    public static ReportDefinition parse(JsonNode body, String prefix) {
        if (body == null || !body.isObject()) throw ApiException.badParameter(prefix.isEmpty() ? "body" : prefix,
                "must be a JSON object");
        body.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) throw ApiException.badParameter(prefix + f, "unknown field");
        });
        List<String> metrics = names(body, prefix, "metrics", ReportCatalog.METRICS.keySet(), true);
        List<String> groupBy = names(body, prefix, "groupBy", ReportCatalog.DIMENSIONS.keySet(), false);
        List<String> queueIds = List.of();
        List<String> repIds = List.of();
        JsonNode filters = body.get("filters");
        if (filters != null && !filters.isNull()) {
            if (!filters.isObject()) throw ApiException.badParameter(prefix + "filters", "must be an object");
            Map<String, List<String>> values = new HashMap<>();
            filters.fields().forEachRemaining(e -> {
                String name = prefix + "filters." + e.getKey();
                if (!ReportCatalog.FILTERS.containsKey(e.getKey())) throw ApiException.badParameter(name,
                        "unknown filter (one of " + ReportCatalog.FILTERS.keySet() + ")");
                values.put(e.getKey(), strings(e.getValue(), name));
            });
            queueIds = values.getOrDefault("queueId", List.of());
            repIds = values.getOrDefault("repId", List.of());
        }
        ZoneId zone = Params.zone(prefix + "tz", text(body, prefix, "tz", false));
        Instant from = Params.instant(prefix + "from", text(body, prefix, "from", true), zone);
        Instant to = Params.instant(prefix + "to", text(body, prefix, "to", true), zone);
        if (!from.isBefore(to)) throw ApiException.badParameter(prefix + "from", "must be before to");
        String g = text(body, prefix, "granularity", false);
        Granularity granularity = g == null ? Granularity.HOUR : Granularity.fromId(g).orElseThrow(
                () -> ApiException.badParameter(prefix + "granularity", "must be one of 1m, 5m, 15m, 1h, 1d"));
        if (groupBy.contains("time") && granularity.buckets(from, to, zone, KpiRequest.MAX_BUCKETS).isEmpty()) {
            throw ApiException.badParameter(prefix + "granularity", "more than " + KpiRequest.MAX_BUCKETS
                    + " buckets in the range");
        }
        String orderBy = text(body, prefix, "orderBy", false);
        boolean descending = false;
        if (orderBy != null) {
            descending = orderBy.startsWith("-");
            String field = descending ? orderBy.substring(1) : orderBy;
            if (!metrics.contains(field) && !groupBy.contains(field)) {
                throw ApiException.badParameter(prefix + "orderBy",
                        "must name one of the report's metrics or groupBy dimensions (prefix - for descending)");
            }
            orderBy = field;
        }
        JsonNode limitNode = body.get("limit");
        int limit = 1000;
        if (limitNode != null && !limitNode.isNull()) {
            if (!limitNode.canConvertToInt() || !limitNode.isIntegralNumber() || limitNode.asInt() < 1
                    || limitNode.asInt() > MAX_LIMIT) {
                throw ApiException.badParameter(prefix + "limit", "must be an integer 1.." + MAX_LIMIT);
            }
            limit = limitNode.asInt();
        }
        return new ReportDefinition(metrics, groupBy, queueIds, repIds, from, to, zone, granularity, orderBy,
                descending, limit);
    }

    /** The definition as stored: normalised, so a saved report runs the same way later. */
    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        metrics.forEach(o.putArray("metrics")::add);
        groupBy.forEach(o.putArray("groupBy")::add);
        ObjectNode filters = o.putObject("filters");
        if (!queueIds.isEmpty()) queueIds.forEach(filters.putArray("queueId")::add);
        if (!repIds.isEmpty()) repIds.forEach(filters.putArray("repId")::add);
        o.put("from", from.toString());
        o.put("to", to.toString());
        o.put("tz", zone.getId());
        o.put("granularity", granularity.id());
        if (orderBy != null) o.put("orderBy", (descending ? "-" : "") + orderBy);
        o.put("limit", limit);
        return o;
    }

    /** Where the report is read from: buckets when grouped by time, else the whole range. */
    public KpiSource source() {
        return KpiSource.choose(from, to, zone, groupBy.contains("time") ? granularity : null);
    }

    /** The grain of the groups and filters. */
    public KpiSource.Grain grain() {
        return KpiSource.Grain.of(groupBy.contains("queueId"), groupBy.contains("repId"),
                !queueIds.isEmpty(), !repIds.isEmpty());
    }

    /** Values for kpi_series.sql / kpi_rollup_series.sql. */
    public Map<String, Object> sqlValues() {
        Map<String, Object> v = io.chatkpi.api.kpi.ZoneOffsets.of(zone, from, to)
                .sqlValues(groupBy.contains("time") ? granularity.seconds() : 0);
        v.put("from", from);
        v.put("to", to);
        v.put("byQueue", groupBy.contains("queueId") ? 1 : 0);
        v.put("byRep", groupBy.contains("repId") ? 1 : 0);
        v.put("queueIds", queueIds);
        v.put("repIds", repIds);
        return v;
    }

    private static List<String> names(JsonNode body, String prefix, String field, Set<String> allowed,
                                      boolean required) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            if (required) throw ApiException.badParameter(prefix + field, "required");
            return List.of();
        }
        if (!n.isArray()) throw ApiException.badParameter(prefix + field, "must be an array of names");
        if (required && n.isEmpty()) throw ApiException.badParameter(prefix + field, "must not be empty");
        if (n.size() > 50) throw ApiException.badParameter(prefix + field, "at most 50 names");
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode item = n.get(i);
            if (!item.isTextual() || !allowed.contains(item.asText())) {
                throw ApiException.badParameter(prefix + field + "[" + i + "]", "unknown "
                        + (field.equals("metrics") ? "metric" : "dimension") + " '"
                        + Params.clip(item.asText()) + "' (see GET /api/v1/reports/catalog)");
            }
            out.add(item.asText());
        }
        return new ArrayList<>(out);
    }

    private static List<String> strings(JsonNode n, String name) {
        if (n.isTextual()) n = Json.MAPPER.createArrayNode().add(n.asText());
        if (!n.isArray()) throw ApiException.badParameter(name, "must be an array of strings");
        if (n.size() > 100) throw ApiException.badParameter(name, "at most 100 values");
        List<String> out = new ArrayList<>();
        for (JsonNode item : n) {
            if (!item.isTextual() || item.asText().length() > 200
                    || item.asText().codePoints().anyMatch(c -> c >= 0xD800 && c <= 0xDFFF)) {
                throw ApiException.badParameter(name, "values must be strings of at most 200 characters (valid Unicode)");
            }
            out.add(item.asText());
        }
        return out;
    }

    private static String text(JsonNode body, String prefix, String field, boolean required) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            if (required) throw ApiException.badParameter(prefix + field, "required");
            return null;
        }
        if (!n.isTextual()) throw ApiException.badParameter(prefix + field, "must be a string");
        return n.asText();
    }
}
