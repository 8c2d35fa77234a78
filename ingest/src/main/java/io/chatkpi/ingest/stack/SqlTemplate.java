package io.chatkpi.ingest.stack;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills the placeholders of a named query ({@code sql/queries/*.sql}) with {@link SqlLiteral}s.
 *
 * <p>The convention: a placeholder is {@code {{name:Type}}}, shaped like ClickHouse's own server-side parameters
 * ({@code {name:Type}}), which 18.16 lacks. Type is one of String, Int8..Int64, UInt8..UInt64, Float32, Float64,
 * DateTime (an {@link Instant}, rendered in UTC), Date (a {@link LocalDate}), Array(T) of those (a
 * {@link Collection}), or Nullable(T) (which also accepts null). A placeholder stands where a value would, never for
 * an identifier or a piece of syntax. The SQL check on a current ClickHouse (ingest/src/test/chdb/check-sql.js)
 * fills the same placeholders with sample values of their type.
 */
public final class SqlTemplate {

    /** The one pattern of a placeholder; check-sql.js uses the same expression. */
    public static final Pattern PLACEHOLDER =
        Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*:\\s*([A-Za-z0-9_]+(?:\\([A-Za-z0-9_() ]*\\))?)\\s*}}");

    private static final Pattern SECTION_BEGIN = Pattern.compile("(?m)^[ \\t]*-- begin (\\w+)");

    private SqlTemplate() {
    }

    /** The SQL of {@code template} with each placeholder replaced by its value's literal. */
    public static String render(String template, Map<String, ?> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        Set<String> used = new HashSet<>();
        while (m.find()) {
            String name = m.group(1);
            String type = m.group(2).replace(" ", "");
            if (!values.containsKey(name)) {
                throw new IllegalArgumentException("no value for placeholder {{" + name + ":" + type + "}}");
            }
            used.add(name);
            m.appendReplacement(out, Matcher.quoteReplacement(literal(name, type, values.get(name))));
        }
        m.appendTail(out);
        // Look for a malformed placeholder in the template's own text: a value may hold "{{" (it is a literal).
        String text = PLACEHOLDER.matcher(template).replaceAll("");
        int stray = text.indexOf("{{");
        if (stray >= 0) {
            throw new IllegalArgumentException("malformed placeholder near: "
                + text.substring(stray, Math.min(text.length(), stray + 40)));
        }
        Set<String> unused = new TreeSet<>(values.keySet());
        unused.removeAll(used);
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException("values given for no placeholder: " + unused);
        }
        return out.toString();
    }

    /**
     * {@code template} without its section {@code name}: the lines from {@code -- begin name} to {@code -- end name},
     * both included (e.g. a UNION ALL branch that only some requests need: ClickHouse pays for a branch even when it
     * reads nothing). The text stays fixed per variant; a section that is not there is an error, not a no-op.
     */
    public static String without(String template, String name) {
        Pattern section = Pattern.compile("(?m)^[ \\t]*-- begin " + Pattern.quote(name) + "\\b[^\\n]*\\n(?s:.*?)"
            + "^[ \\t]*-- end " + Pattern.quote(name) + "\\b[^\\n]*(\\n|\\z)");
        Matcher m = section.matcher(template);
        if (!m.find()) {
            throw new IllegalArgumentException("no section '" + name + "' (-- begin " + name + " ... -- end " + name
                + ") in the template");
        }
        return m.replaceAll("");
    }

    /** The names of a template's sections ({@link #without}), in order of appearance. */
    public static List<String> sections(String template) {
        Matcher m = SECTION_BEGIN.matcher(template);
        List<String> names = new java.util.ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The names and types of a template's placeholders, in order of appearance. */
    public static Map<String, String> placeholders(String template) {
        Map<String, String> found = new java.util.LinkedHashMap<>();
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            found.put(m.group(1), m.group(2).replace(" ", ""));
        }
        return found;
    }

    static String literal(String name, String type, Object value) {
        if (type.startsWith("Nullable(") && type.endsWith(")")) {
            return value == null ? "NULL" : literal(name, type.substring(9, type.length() - 1), value);
        }
        if (value == null) {
            throw new IllegalArgumentException(name + " is null but its type " + type + " is not Nullable");
        }
        if (type.startsWith("Array(") && type.endsWith(")")) {
            if (!(value instanceof Collection<?> items)) {
                throw mismatch(name, type, value);
            }
            String element = type.substring(6, type.length() - 1);
            StringBuilder out = new StringBuilder("[");
            for (Object item : items) {
                if (out.length() > 1) {
                    out.append(", ");
                }
                out.append(literal(name, element, item));
            }
            return out.append(']').toString();
        }
        return switch (type) {
            case "String" -> {
                if (value instanceof CharSequence || value instanceof Enum<?>) {
                    yield SqlLiteral.of(value);
                }
                throw mismatch(name, type, value);
            }
            case "Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64" -> {
                if (value instanceof Long || value instanceof Integer || value instanceof Short
                    || value instanceof Byte || value instanceof BigInteger) {
                    if (type.startsWith("U") && ((Number) value).doubleValue() < 0) {
                        throw new IllegalArgumentException(name + " is " + type + " but the value is negative: "
                            + value);
                    }
                    yield SqlLiteral.of(value);
                }
                throw mismatch(name, type, value);
            }
            case "Float32", "Float64" -> {
                if (value instanceof Number && !(value instanceof BigDecimal)) {
                    yield SqlLiteral.decimal(((Number) value).doubleValue());
                }
                if (value instanceof BigDecimal) {
                    yield SqlLiteral.of(value);
                }
                throw mismatch(name, type, value);
            }
            case "DateTime" -> {
                if (value instanceof Instant i) {
                    yield SqlLiteral.dateTime(i);
                }
                throw mismatch(name, type, value);
            }
            case "Date" -> {
                if (value instanceof LocalDate d) {
                    yield SqlLiteral.date(d);
                }
                throw mismatch(name, type, value);
            }
            default -> throw new IllegalArgumentException("placeholder " + name + " has an unsupported type " + type);
        };
    }

    private static IllegalArgumentException mismatch(String name, String type, Object value) {
        return new IllegalArgumentException(name + " is " + type + ", not a " + value.getClass().getSimpleName());
    }
}
