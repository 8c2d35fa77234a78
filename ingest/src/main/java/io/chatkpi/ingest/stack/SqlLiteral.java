package io.chatkpi.ingest.stack;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * Values rendered as ClickHouse SQL literals. ClickHouse 18.16 has no server-side query parameters, so this is the
 * one way a value reaches SQL in chatkpi: every string is quoted and escaped here, every number is rendered so that
 * it cannot change the statement around it, identifiers come only from a strict pattern. The output is accepted by
 * 18.16 and by current releases alike.
 */
public final class SqlLiteral {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    /** DateTime is a UInt32 of seconds since the epoch. */
    private static final long MAX_DATETIME_SECONDS = 4_294_967_295L;

    private SqlLiteral() {
    }

    /**
     * Any supported value: null, String, CharSequence, Long/Integer/Short/Byte, BigInteger, Double/Float,
     * BigDecimal, Boolean (1/0), Instant (a DateTime in UTC), LocalDate (a Date), Enum (its name), and collections of
     * these (an array).
     */
    public static String of(Object value) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof CharSequence s) {
            return string(s.toString());
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return integer(((Number) value).longValue());
        }
        if (value instanceof BigInteger b) {
            return signed(b.toString());
        }
        if (value instanceof Double || value instanceof Float) {
            return decimal(((Number) value).doubleValue());
        }
        if (value instanceof BigDecimal b) {
            return signed(b.toPlainString());
        }
        if (value instanceof Boolean b) {
            return b ? "1" : "0";
        }
        if (value instanceof Instant i) {
            return dateTime(i);
        }
        if (value instanceof LocalDate d) {
            return date(d);
        }
        if (value instanceof Enum<?> e) {
            return string(e.name());
        }
        if (value instanceof Collection<?> c) {
            return array(c);
        }
        throw new IllegalArgumentException("no SQL literal for a " + value.getClass().getName());
    }

    /**
     * A quoted string. Quote and backslash are escaped, control characters become escape sequences (so a literal
     * never spans lines), everything else is passed as UTF-8.
     *
     * @throws IllegalArgumentException for a lone UTF-16 surrogate, which has no UTF-8 form
     */
    public static String string(String value) {
        if (value == null) {
            return "NULL";
        }
        StringBuilder out = new StringBuilder(value.length() + 2).append('\'');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\'' -> out.append("\\'");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\0' -> out.append("\\0");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    } else if (Character.isHighSurrogate(c) && i + 1 < value.length()
                        && Character.isLowSurrogate(value.charAt(i + 1))) {
                        out.append(c).append(value.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        throw new IllegalArgumentException("string has a lone UTF-16 surrogate at index " + i);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('\'').toString();
    }

    /** An integer; a negative one in parentheses, so that {@code x-{{v}}} cannot turn into a {@code --} comment. */
    public static String integer(long value) {
        return signed(Long.toString(value));
    }

    /** A Float64; NaN and infinities as ClickHouse's {@code nan}, {@code inf}, {@code -inf}. */
    public static String decimal(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "(-inf)";
        }
        return signed(Double.toString(value));
    }

    /** A DateTime in UTC, to the second (DateTime has no fractions: keep milliseconds in epoch-ms columns). */
    public static String dateTime(Instant value) {
        long seconds = value.getEpochSecond();
        if (seconds < 0 || seconds > MAX_DATETIME_SECONDS) {
            throw new IllegalArgumentException("DateTime holds 1970-01-01..2106-02-07, not " + value);
        }
        return "toDateTime(" + seconds + ", 'UTC')";
    }

    /** Epoch milliseconds, for the UInt64 {@code ...Ms} columns. */
    public static String epochMillis(Instant value) {
        return integer(value.toEpochMilli());
    }

    public static String date(LocalDate value) {
        return "toDate('" + value + "')";
    }

    /** An array literal, e.g. {@code ['billing', 'tech']}. */
    public static String array(Collection<?> values) {
        StringJoiner out = new StringJoiner(", ", "[", "]");
        for (Object v : values) {
            out.add(of(v));
        }
        return out.toString();
    }

    /**
     * A back-quoted identifier (database, table, column). Only names of letters, digits and underscores pass: the
     * name must come from an allow-list or from the project itself, never from free user input.
     */
    public static String identifier(String name) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain identifier: " + name);
        }
        return "`" + name + "`";
    }

    public static boolean isIdentifier(String name) {
        return name != null && IDENTIFIER.matcher(name).matches();
    }

    private static String signed(String number) {
        return number.startsWith("-") ? "(" + number + ")" : number;
    }
}
