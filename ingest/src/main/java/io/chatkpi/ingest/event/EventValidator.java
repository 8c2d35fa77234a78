package io.chatkpi.ingest.event;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * The rules of the event contract, the Java twin of {@code schema/session-event.schema.json}; a test feeds both
 * the same samples. Each rejection names the field: {@code "<field>: <problem>"}.
 */
public final class EventValidator {

    private EventValidator() {}

    /** Each enum's names (getEnumConstants copies the array on every call). */
    private static final ClassValue<java.util.Set<String>> NAMES = new ClassValue<>() {
        @Override
        protected java.util.Set<String> computeValue(Class<?> type) {
            java.util.Set<String> names = new java.util.HashSet<>();
            for (Object e : type.getEnumConstants()) {
                names.add(((Enum<?>) e).name());
            }
            return java.util.Set.copyOf(names);
        }
    };

    static Decoded validate(String raw, RawEventFields f) {
        String problem = firstProblem(f);
        if (problem != null) {
            return Decoded.rejected(raw, problem);
        }
        EventType type = EventType.valueOf(f.type);
        SessionEvent event = new SessionEvent(
                f.eventId,
                f.sessionId,
                type,
                f.tsMillis,
                f.channel == null ? null : Channel.valueOf(f.channel),
                f.topic,
                f.queueId,
                f.repId,
                f.sender == null ? null : Sender.valueOf(f.sender),
                f.by == null ? null : Actor.valueOf(f.by),
                f.reason == null ? null : NotRoutedReason.valueOf(f.reason),
                f.caseCreated);
        return Decoded.valid(event);
    }

    private static String firstProblem(RawEventFields f) {
        String p;
        if ((p = required("eventId", f.eventId)) != null) return p;
        if ((p = required("sessionId", f.sessionId)) != null) return p;
        if ((p = required("type", f.type)) != null) return p;
        if ((p = oneOf("type", f.type, EventType.class)) != null) return p;
        if ((p = required("ts", f.ts)) != null) return p;
        if ((p = timestampProblem(f)) != null) return p;
        EventType type = EventType.valueOf(f.type);

        if ((p = oneOf("channel", f.channel, Channel.class)) != null) return p;
        if ((p = nonEmptyIfPresent("topic", f.topic)) != null) return p;
        if (type == EventType.QUEUED && (p = required("queueId", f.queueId)) != null) return p;
        if ((p = nonEmptyIfPresent("queueId", f.queueId)) != null) return p;
        if ((type == EventType.REP_JOINED || type == EventType.ACW_COMPLETED)
                && (p = required("repId", f.repId)) != null) return p;
        if ((p = nonEmptyIfPresent("repId", f.repId)) != null) return p;
        if (type == EventType.MESSAGE && (p = required("sender", f.sender)) != null) return p;
        if ((p = oneOf("sender", f.sender, Sender.class)) != null) return p;
        if ((p = oneOf("by", f.by, Actor.class)) != null) return p;
        if (f.by != null && !Actor.allowedFor(type).contains(Actor.valueOf(f.by))) {
            return "by: '" + f.by + "' is not allowed on " + type + " (allowed: " + Actor.allowedFor(type) + ")";
        }
        if ((p = oneOf("reason", f.reason, NotRoutedReason.class)) != null) return p;
        return null;
    }

    private static String required(String field, String value) {
        if (value == null) return field + ": missing";
        if (value.isEmpty()) return field + ": must not be empty";
        return null;
    }

    private static String nonEmptyIfPresent(String field, String value) {
        return value != null && value.isEmpty() ? field + ": must not be empty" : null;
    }

    private static <E extends Enum<E>> String oneOf(String field, String value, Class<E> values) {
        if (value == null) return null;
        if (NAMES.get(values).contains(value)) return null;
        return field + ": unknown value '" + value + "' (allowed: " + java.util.Arrays.toString(values.getEnumConstants()) + ")";
    }


    /**
     * The shape of {@code ts}, the same regular expression as the schema's {@code ts.pattern} (a test checks they
     * are equal): RFC 3339 with seconds and an offset within +-18:00. Java's ISO parser alone is laxer (it takes
     * minutes-only times, signed 5-digit years, "10:00:00.Z", offsets with seconds, region ids), so the shape is
     * checked first and the parser then rejects impossible dates such as February 30.
     */
    static final String TS_PATTERN = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3])"
            + ":[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?([Zz]|[+-]((0[0-9]|1[0-7]):[0-5][0-9]|18:00))$(?![\\s\\S])";

    private static final Pattern TS_SHAPE = Pattern.compile(TS_PATTERN);

    /** Sets {@code f.tsMillis} when {@code f.ts} is valid. */
    private static String timestampProblem(RawEventFields f) {
        String ts = f.ts;
        if (!hasCanonicalUtcShape(ts) && !TS_SHAPE.matcher(ts).matches()) {
            if (hasNoOffset(ts)) {
                return "ts: has no zone offset (expected e.g. 2026-11-25T10:00:00Z or +01:00): '" + ts + "'";
            }
            return "ts: not an ISO-8601 timestamp with seconds and offset (e.g. 2026-11-25T10:00:00.250Z): '" + ts + "'";
        }
        try {
            f.tsMillis = parseTs(ts);
        } catch (DateTimeException e) {
            return "ts: not a valid date-time: '" + ts + "'";
        }
        return null;
    }

    /**
     * True only for strings {@link #TS_PATTERN} matches, in the form every producer of ours writes (UTC, "Z", no
     * fraction or milliseconds): {@code 2026-11-25T10:00:00Z}, {@code 2026-11-25T10:00:00.250Z}. Checked by hand
     * because the regular expression was the larger part of validating an event; false sends a string to the
     * expression (a test checks the two agree).
     */
    static boolean hasCanonicalUtcShape(String ts) {
        int n = ts.length();
        if (n != 20 && n != 24) {
            return false;
        }
        if (ts.charAt(4) != '-' || ts.charAt(7) != '-' || ts.charAt(10) != 'T' || ts.charAt(13) != ':'
                || ts.charAt(16) != ':' || ts.charAt(n - 1) != 'Z') {
            return false;
        }
        if (n == 24 && (ts.charAt(19) != '.' || !isDigits(ts, 20, 3))) {
            return false;
        }
        if (!isDigits(ts, 0, 4) || !isDigits(ts, 5, 2) || !isDigits(ts, 8, 2) || !isDigits(ts, 11, 2)
                || !isDigits(ts, 14, 2) || !isDigits(ts, 17, 2)) {
            return false;
        }
        int month = digits(ts, 5, 2);
        int day = digits(ts, 8, 2);
        return month >= 1 && month <= 12 && day >= 1 && day <= 31 && digits(ts, 11, 2) <= 23
                && digits(ts, 14, 2) <= 59 && digits(ts, 17, 2) <= 59;
    }

    private static boolean isDigits(String s, int from, int count) {
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean hasNoOffset(String ts) {
        try {
            DateTimeFormatter.ISO_LOCAL_DATE_TIME.parse(ts);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /**
     * Epoch milliseconds of a {@code ts} that matches {@link #TS_PATTERN}, truncated to the millisecond. Reads the
     * digits at their fixed places instead of going through {@code DateTimeFormatter} (about 1.3 us a call, the
     * larger part of decoding an event); {@link LocalDate#of} still rejects dates that do not exist.
     *
     * @throws DateTimeException for an impossible date such as February 30
     */
    static long parseTs(String ts) {
        int year = digits(ts, 0, 4);
        int month = digits(ts, 5, 2);
        int day = digits(ts, 8, 2);
        int hour = digits(ts, 11, 2);
        int minute = digits(ts, 14, 2);
        int second = digits(ts, 17, 2);
        int i = 19;
        int millis = 0;
        if (ts.charAt(i) == '.') {
            int scale = 100;
            for (i++; i < ts.length() && Character.isDigit(ts.charAt(i)); i++) {
                millis += (ts.charAt(i) - '0') * scale;
                scale /= 10;
            }
        }
        int offsetSeconds = 0;
        char sign = ts.charAt(i);
        if (sign == '+' || sign == '-') {
            offsetSeconds = digits(ts, i + 1, 2) * 3600 + digits(ts, i + 4, 2) * 60;
            if (sign == '-') offsetSeconds = -offsetSeconds;
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        long epochSecond = epochDay * 86_400L + hour * 3_600L + minute * 60L + second - offsetSeconds;
        return epochSecond * 1_000L + millis;
    }

    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            v = v * 10 + (s.charAt(i) - '0');
        }
        return v;
    }
}
