package io.chatkpi.api.kpi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chatkpi.api.http.ApiException;
import io.chatkpi.api.http.Csv;
import io.chatkpi.api.http.Json;
import io.chatkpi.api.http.Params;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GET /api/v1/sessions: session rows for drill-down, keyset-paginated on (startedAtMs, sessionId) so that pages
 * stay stable while rows are rewritten; {@code format=csv} (or Accept: text/csv) streams the whole selection.
 */
public final class SessionHandlers {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;
    private static final Set<String> STATUSES = Set.of("STARTED", "WAITING", "ACTIVE", "INACTIVE", "ENDED",
            "NOT_ROUTED");

    /** The session fields in output order; times as ISO-8601 instants, durations in ms. */
    public static final List<String> FIELDS = List.of("sessionId", "channel", "topic", "queueId", "repId",
            "startedAt", "endedAt", "endedBy", "status", "waitMs", "queueWaits", "firstResponseMs", "repReplies",
            "repAvgResponseMs", "repMaxResponseMs", "handleMs", "acwMs", "inactiveCount", "autoInactiveCount",
            "reactivated", "endedAfterInactivity", "abandoned", "notRoutedReason", "caseCreated", "endUserMessages",
            "repMessages");

    private static final Set<String> TEXT = Set.of("sessionId", "channel", "topic", "queueId", "repId", "endedBy",
            "status", "notRoutedReason");
    private static final Set<String> FLAGS = Set.of("reactivated", "endedAfterInactivity", "abandoned",
            "caseCreated");

    private final ClickHouseGateway clickhouse;

    public SessionHandlers(ClickHouseGateway clickhouse) {
        this.clickhouse = clickhouse;
    }

    public void list(Context ctx) {
        ZoneId zone = Params.zone("tz", Params.optional(ctx, "tz"));
        Instant from = Params.instant("from", Params.required(ctx, "from"), zone);
        Instant to = Params.instant("to", Params.required(ctx, "to"), zone);
        if (!from.isBefore(to)) throw ApiException.badParameter("from", "must be before to");
        String queueId = Params.id("queueId", Params.optional(ctx, "queueId"));
        String repId = Params.id("repId", Params.optional(ctx, "repId"));
        String status = Params.oneOf("status", Params.optional(ctx, "status"), STATUSES);
        String abandonedParam = Params.oneOf("abandoned", Params.optional(ctx, "abandoned"),
                Set.of("true", "false"));
        String format = Params.oneOf("format", Params.optional(ctx, "format"), Set.of("json", "csv"));
        String accept = ctx.header("Accept");
        boolean csv = "csv".equals(format) || (format == null && accept != null && accept.contains("text/csv"));
        int limit = Params.intInRange("limit", Params.optional(ctx, "limit"), DEFAULT_LIMIT, 1, MAX_LIMIT);
        Cursor after = Cursor.decode(Params.optional(ctx, "cursor"));

        Map<String, Object> values = new HashMap<>();
        values.put("from", from);
        values.put("to", to);
        values.put("queueId", queueId == null ? "" : queueId);
        values.put("repId", repId == null ? "" : repId);
        values.put("status", status == null ? "" : status);
        values.put("abandoned", abandonedParam == null ? -1 : "true".equals(abandonedParam) ? 1 : 0);
        values.put("afterStartedAtMs", after.startedAtMs());
        values.put("afterSessionId", after.sessionId());

        if (csv) {
            values.put("limit", Long.MAX_VALUE);
            ctx.contentType("text/csv; charset=utf-8");
            ctx.header("Content-Disposition", "attachment; filename=\"sessions.csv\"");
            OutputStream out = ctx.outputStream();
            write(out, Csv.line(FIELDS));
            clickhouse.stream("sessions_page", values, row -> write(out, Csv.line(csvValues(row))));
            return;
        }
        values.put("limit", (long) limit + 1);
        List<JsonNode> rows = clickhouse.rows("sessions_page", values);
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode sessions = body.putArray("sessions");
        for (int i = 0; i < Math.min(limit, rows.size()); i++) sessions.add(toJson(rows.get(i)));
        if (rows.size() > limit) {
            JsonNode last = rows.get(limit - 1);
            body.put("nextCursor", new Cursor(last.path("startedAtMs").asLong(), last.path("sessionId").asText())
                    .encode());
        } else {
            body.putNull("nextCursor");
        }
        ctx.json(body);
    }

    static ObjectNode toJson(JsonNode row) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        for (String f : FIELDS) {
            Object v = value(row, f);
            if (v == null) o.putNull(f);
            else if (v instanceof String s) o.put(f, s);
            else if (v instanceof Boolean b) o.put(f, b);
            else if (v instanceof Double d) o.put(f, d);
            else o.put(f, (Long) v);
        }
        return o;
    }

    private static List<Object> csvValues(JsonNode row) {
        List<Object> out = new ArrayList<>(FIELDS.size());
        for (String f : FIELDS) out.add(value(row, f));
        return out;
    }

    private static Object value(JsonNode row, String field) {
        switch (field) {
            case "startedAt" -> {
                return Instant.ofEpochMilli(row.path("startedAtMs").asLong()).toString();
            }
            case "endedAt" -> {
                JsonNode n = row.path("endedAtMs");
                return n.isNull() || n.isMissingNode() ? null : Instant.ofEpochMilli(n.asLong()).toString();
            }
            default -> {
                JsonNode n = row.path(field);
                if (n.isNull() || n.isMissingNode()) return null;
                if (TEXT.contains(field)) return n.asText();
                if (FLAGS.contains(field)) return n.asLong() != 0;
                if (field.equals("repAvgResponseMs")) return n.asDouble();
                return n.asLong();
            }
        }
    }

    private static void write(OutputStream out, String s) {
        try {
            out.write(s.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The position after the last row of a page; opaque to clients (base64url of "startedAtMs:sessionId"). */
    record Cursor(long startedAtMs, String sessionId) {
        static Cursor decode(String s) {
            if (s == null) return new Cursor(0, "");
            try {
                String plain = new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8);
                int colon = plain.indexOf(':');
                long ms = Long.parseLong(plain.substring(0, colon));
                if (ms < 0) throw new IllegalArgumentException();
                return new Cursor(ms, plain.substring(colon + 1));
            } catch (RuntimeException e) {
                throw ApiException.badParameter("cursor", "not a cursor returned by this endpoint");
            }
        }

        String encode() {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((startedAtMs + ":" + sessionId).getBytes(StandardCharsets.UTF_8));
        }
    }
}
