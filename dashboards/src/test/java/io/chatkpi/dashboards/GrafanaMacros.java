package io.chatkpi.dashboards;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Fills a panel's SQL the way Grafana and the ClickHouse data source plugin (grafana-clickhouse-datasource 4.x,
 * pkg/macros/macros.go) do for a fixed time range: first the template variables (Grafana's frontend), then the
 * plugin's macros (its backend). Anything it does not know fails, so a panel cannot reach ClickHouse with text that
 * Grafana would have left unfilled or filled differently.
 */
final class GrafanaMacros {

    private static final Pattern MACRO = Pattern.compile("\\$__([A-Za-z_]+)(?:\\(([^()]*)\\))?");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9_]+)(?::([A-Za-z]+))?}|\\$([A-Za-z][A-Za-z0-9_]*)");

    private final Instant from;
    private final Instant to;
    private final long intervalSeconds;
    private final Map<String, List<String>> variables;

    GrafanaMacros(Instant from, Instant to, long intervalSeconds, Map<String, List<String>> variables) {
        this.from = from;
        this.to = to;
        this.intervalSeconds = intervalSeconds;
        this.variables = variables;
    }

    String expand(String sql) {
        return macros(variables(sql));
    }

    private String variables(String sql) {
        Matcher m = VARIABLE.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            if (sql.startsWith("$__", m.start())) {
                m.appendReplacement(out, Matcher.quoteReplacement(m.group()));
                continue;
            }
            String name = m.group(1) != null ? m.group(1) : m.group(3);
            String format = m.group(2);
            List<String> values = variables.get(name);
            if (values == null) {
                throw new IllegalArgumentException("unknown template variable $" + name + " in: " + sql);
            }
            if (values.isEmpty()) {
                throw new IllegalArgumentException("template variable $" + name + " has no values");
            }
            String text;
            if ("singlequote".equals(format)) {
                text = values.stream().map(v -> "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'")
                    .collect(Collectors.joining(","));
            } else if ("sqlstring".equals(format)) {
                text = values.stream().map(v -> "'" + v.replace("'", "''") + "'").collect(Collectors.joining(","));
            } else if (format == null && values.size() == 1) {
                text = values.get(0);
            } else {
                // Grafana's default format of a multi-value variable is a glob, {a,b}: never valid SQL.
                throw new IllegalArgumentException("template variable $" + name + " needs a SQL format "
                    + "(${" + name + ":singlequote}), not " + m.group());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(text));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String macros(String sql) {
        Matcher m = MACRO.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(macro(m.group(1), m.group(2), sql)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String macro(String name, String argument, String sql) {
        String column = argument == null ? null : argument.strip();
        return switch (name) {
            case "fromTime" -> dateTime(from);
            case "toTime" -> dateTime(to);
            case "fromTime_ms" -> dateTime64(from);
            case "toTime_ms" -> dateTime64(to);
            case "timeFilter" -> column(name, column) + " >= " + dateTime(from) + " AND " + column + " <= " + dateTime(to);
            case "timeFilter_ms" -> column(name, column) + " >= " + dateTime64(from) + " AND " + column + " <= "
                + dateTime64(to);
            case "dateFilter" -> column(name, column) + " >= " + date(from) + " AND " + column + " <= " + date(to);
            case "timeInterval" -> "toStartOfInterval(toDateTime(" + column(name, column) + "), INTERVAL "
                + Math.max(intervalSeconds, 1) + " second)";
            case "timeInterval_ms" -> "toStartOfInterval(toDateTime64(" + column(name, column) + ", 3), INTERVAL "
                + Math.max(intervalSeconds * 1000, 1) + " millisecond)";
            case "interval_s" -> Long.toString(Math.max(intervalSeconds, 1));
            default -> throw new IllegalArgumentException("macro $__" + name + " is not one the ClickHouse data source "
                + "plugin knows (or not one this test fills in): " + sql);
        };
    }

    private static String column(String macro, String column) {
        if (column == null || column.isEmpty()) {
            throw new IllegalArgumentException("$__" + macro + " needs a column: $__" + macro + "(column)");
        }
        return column;
    }

    private static String dateTime(Instant t) {
        return "toDateTime(" + t.getEpochSecond() + ")";
    }

    private static String dateTime64(Instant t) {
        return "fromUnixTimestamp64Milli(" + t.toEpochMilli() + ")";
    }

    private static String date(Instant t) {
        return "toDate('" + LocalDate.ofInstant(t, ZoneOffset.UTC) + "')";
    }
}
