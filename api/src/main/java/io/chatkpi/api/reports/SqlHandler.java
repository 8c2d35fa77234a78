package io.chatkpi.api.reports;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatkpi.api.http.ApiException;
import io.chatkpi.api.http.Csv;
import io.chatkpi.api.http.Params;
import io.chatkpi.api.kpi.ClickHouseGateway;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * POST /api/v1/sql: one SELECT, run as ClickHouse's read-only analyst user. The sandbox is ClickHouse's own
 * (readonly, max_execution_time, max_result_rows, allow_databases); this handler adds nothing it could get wrong,
 * it only passes the statement and reports the server's refusal as a 400 with its message.
 */
public final class SqlHandler {

    private final ClickHouseGateway analyst;

    public SqlHandler(ClickHouseGateway analyst) {
        this.analyst = analyst;
    }

    public void run(Context ctx) {
        JsonNode body = ReportHandlers.jsonBody(ctx);
        if (!body.isObject()) throw ApiException.badParameter("body", "must be a JSON object");
        body.fieldNames().forEachRemaining(f -> {
            if (!Set.of("sql", "format").contains(f)) throw ApiException.badParameter(f, "unknown field");
        });
        JsonNode sqlNode = body.get("sql");
        if (sqlNode == null || !sqlNode.isTextual() || sqlNode.asText().isBlank()) {
            throw ApiException.badParameter("sql", "required: one SELECT statement");
        }
        String format = Params.oneOf("format", body.path("format").isTextual() ? body.get("format").asText() : null,
                Set.of("json", "csv"));
        List<JsonNode> rows;
        try {
            rows = analyst.analystRows(sqlNode.asText());
        } catch (IllegalArgumentException e) {
            throw ApiException.badParameter("sql", e.getMessage());
        }
        List<String> columns = new ArrayList<>();
        if (!rows.isEmpty()) rows.get(0).fieldNames().forEachRemaining(columns::add);
        if ("csv".equals(format)) {
            StringBuilder b = new StringBuilder(Csv.line(columns));
            for (JsonNode r : rows) {
                List<Object> values = new ArrayList<>();
                for (String c : columns) {
                    JsonNode v = r.get(c);
                    values.add(v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString());
                }
                b.append(Csv.line(values));
            }
            ctx.contentType("text/csv; charset=utf-8").result(b.toString());
            return;
        }
        ctx.json(Map.of("columns", columns, "rows", rows, "rowCount", rows.size()));
    }
}
