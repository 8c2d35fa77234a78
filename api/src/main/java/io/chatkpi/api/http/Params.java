package io.chatkpi.api.http;

import io.javalin.http.Context;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Set;
import java.util.regex.Pattern;

/** Query-parameter parsing that fails with a 400 naming the parameter. */
public final class Params {

    /** Ids of queues and reps: what the event contract allows, nothing that looks like syntax. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:@-]{1,200}");
    /** ClickHouse DateTime holds 1970..2106; keep well inside. */
    private static final Instant MIN = Instant.parse("1971-01-01T00:00:00Z");
    private static final Instant MAX = Instant.parse("2100-01-01T00:00:00Z");

    private Params() {}

    public static String optional(Context ctx, String name) {
        String v = ctx.queryParam(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    public static String required(Context ctx, String name) {
        String v = optional(ctx, name);
        if (v == null) throw ApiException.badParameter(name, "required");
        return v;
    }

    /** An id (queueId, repId) or null; '' is not an id. */
    public static String id(String name, String value) {
        if (value == null) return null;
        if (!ID.matcher(value).matches()) {
            throw ApiException.badParameter(name, "not a valid id (letters, digits, _ . : @ -; at most 200)");
        }
        return value;
    }

    /** An IANA zone such as Europe/Paris, or UTC. Offsets like +02:00 are refused: they have no DST rules. */
    public static ZoneId zone(String name, String value) {
        if (value == null) return ZoneId.of("UTC");
        if (!value.equals("UTC") && !(value.contains("/") && ZoneId.getAvailableZoneIds().contains(value))) {
            throw ApiException.badParameter(name, "unknown time zone '" + clip(value) + "' (use Area/City, e.g. "
                    + "Europe/Paris, or UTC)");
        }
        return ZoneId.of(value);
    }

    /**
     * An instant: ISO-8601 with offset ({@code 2026-10-25T00:00:00Z}, {@code ...+02:00}), or a local date-time or
     * date read in {@code zone} (a date is its start of day there).
     */
    public static Instant instant(String name, String value, ZoneId zone) {
        Instant t;
        try {
            if (value.length() == 10) {
                t = LocalDate.parse(value).atStartOfDay(zone).toInstant();
            } else if (value.endsWith("Z") || value.matches(".*[+-]\\d\\d:\\d\\d$")) {
                t = OffsetDateTime.parse(value).toInstant();
            } else {
                t = LocalDateTime.parse(value).atZone(zone).toInstant();
            }
        } catch (DateTimeException e) {
            throw ApiException.badParameter(name, "not an ISO-8601 date or date-time: '" + clip(value) + "'");
        }
        if (t.isBefore(MIN) || t.isAfter(MAX)) {
            throw ApiException.badParameter(name, "out of range (1971..2100)");
        }
        return t;
    }

    public static int intInRange(String name, String value, int dflt, int min, int max) {
        if (value == null) return dflt;
        try {
            int v = Integer.parseInt(value);
            if (v < min || v > max) throw ApiException.badParameter(name, "must be between " + min + " and " + max);
            return v;
        } catch (NumberFormatException e) {
            throw ApiException.badParameter(name, "not an integer");
        }
    }

    public static String oneOf(String name, String value, Set<String> allowed) {
        if (value == null) return null;
        if (!allowed.contains(value)) {
            throw ApiException.badParameter(name, "must be one of " + new java.util.TreeSet<>(allowed));
        }
        return value;
    }

    /** For messages: user input shown back is cut short and stripped of control characters. */
    public static String clip(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= 60 ? clean : clean.substring(0, 60) + "...";
    }
}
