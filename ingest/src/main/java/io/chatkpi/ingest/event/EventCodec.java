package io.chatkpi.ingest.event;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The JSON form of {@link SessionEvent}: decoding validates against the contract (see {@link EventValidator}),
 * encoding writes the canonical form. Thread-safe and allocation-light: decoding streams tokens rather than
 * building a tree, since every event in the pipeline passes through it.
 */
public final class EventCodec {

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(1 << 20).build())
            .build();

    private EventCodec() {}

    /** Decodes and validates one event from its JSON text; never throws for bad input. */
    public static Decoded decode(String raw) {
        if (raw == null) {
            return Decoded.rejected("", "not JSON: empty input");
        }
        try (JsonParser p = JSON.createParser(raw)) {
            return read(p, raw);
        } catch (JsonParseException e) {
            return Decoded.rejected(raw, notJson(e));
        } catch (IOException e) {
            return Decoded.rejected(raw, "not JSON: " + e.getMessage());
        }
    }

    /**
     * Decodes UTF-8 bytes, as they come from Kafka. An ASCII record that holds a valid event is read from the bytes
     * themselves (Jackson's byte parser: no text decoded first, no char copy); anything else is decided on the text,
     * which a rejection stores and whose character positions its reason names. The byte parser is kept to ASCII
     * because it does not check UTF-8 everywhere (a stray byte inside a field name is skipped where the text has a
     * replacement character), and a record must give exactly what its text gives.
     */
    public static Decoded decode(byte[] utf8) {
        if (utf8 == null) {
            return decode((String) null);
        }
        if (!isAscii(utf8)) {
            return decode(new String(utf8, StandardCharsets.UTF_8));
        }
        try (JsonParser p = JSON.createParser(utf8)) {
            Decoded fromBytes = read(p, "");
            if (fromBytes.isValid()) {
                return fromBytes;
            }
        } catch (IOException e) {
            // not valid JSON (or not UTF-8): the text path below says why
        }
        return decode(new String(utf8, StandardCharsets.UTF_8));
    }

    private static boolean isAscii(byte[] bytes) {
        int any = 0;
        for (byte b : bytes) {
            any |= b; // no early exit: the JIT vectorizes the whole scan
        }
        return any >= 0;
    }

    /** The event {@code p} reads, or its rejection with {@code raw} (empty where the caller decides again). */
    private static Decoded read(JsonParser p, String raw) throws IOException {
        JsonToken first = p.nextToken();
        if (first == null) {
            return Decoded.rejected(raw, "not JSON: empty input");
        }
        if (first != JsonToken.START_OBJECT) {
            return Decoded.rejected(raw, "not a JSON object");
        }
        RawEventFields fields = new RawEventFields();
        String problem = readFields(p, fields);
        if (problem != null) {
            return Decoded.rejected(raw, problem);
        }
        if (p.nextToken() != null) {
            return Decoded.rejected(raw, "not JSON: trailing content after the object");
        }
        return EventValidator.validate(raw, fields);
    }

    /**
     * Jackson's message without the parser-internal "(start marker at [Source: ...])" suffix, which names no field and
     * would only puzzle whoever reads rejected_events; the position is given as a character instead.
     */
    private static String notJson(JsonParseException e) {
        String message = e.getOriginalMessage().replaceAll("\\s*\\(start marker at .*$", "");
        long at = e.getLocation() == null ? -1 : e.getLocation().getCharOffset();
        return "not JSON: " + message + (at >= 0 ? " (at character " + (at + 1) + ")" : "");
    }

    private static String readFields(JsonParser p, RawEventFields f) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "eventId" -> f.eventId = text(p, v, name, f);
                case "sessionId" -> f.sessionId = text(p, v, name, f);
                case "type" -> f.type = text(p, v, name, f);
                case "ts" -> f.ts = text(p, v, name, f);
                case "channel" -> f.channel = text(p, v, name, f);
                case "topic" -> f.topic = text(p, v, name, f);
                case "queueId" -> f.queueId = text(p, v, name, f);
                case "repId" -> f.repId = text(p, v, name, f);
                case "sender" -> f.sender = text(p, v, name, f);
                case "by" -> f.by = text(p, v, name, f);
                case "reason" -> f.reason = text(p, v, name, f);
                case "caseCreated" -> {
                    if (v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE) {
                        f.caseCreated = v == JsonToken.VALUE_TRUE;
                    } else if (v != JsonToken.VALUE_NULL) {
                        f.typeProblem("caseCreated: must be a boolean");
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren(); // unknown fields are ignored: forward compatibility
            }
        }
        if (t != JsonToken.END_OBJECT) {
            return "not JSON: unexpected " + t;
        }
        return f.firstTypeProblem;
    }

    private static String text(JsonParser p, JsonToken v, String name, RawEventFields f) throws IOException {
        if (v == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (v != JsonToken.VALUE_NULL) {
            f.typeProblem(name + ": must be a string");
            p.skipChildren();
        }
        return null;
    }

    /** The canonical JSON of an event: fields in contract order, absent ones omitted, ts as an ISO-8601 instant. */
    public static String encode(SessionEvent e) {
        return new String(encodeToBytes(e), StandardCharsets.UTF_8);
    }

    public static byte[] encodeToBytes(SessionEvent e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("eventId", e.eventId());
            g.writeStringField("sessionId", e.sessionId());
            g.writeStringField("type", e.type().name());
            g.writeStringField("ts", formatTs(e.ts()));
            if (e.channel() != null) g.writeStringField("channel", e.channel().name());
            if (e.topic() != null) g.writeStringField("topic", e.topic());
            if (e.queueId() != null) g.writeStringField("queueId", e.queueId());
            if (e.repId() != null) g.writeStringField("repId", e.repId());
            if (e.sender() != null) g.writeStringField("sender", e.sender().name());
            if (e.by() != null) g.writeStringField("by", e.by().name());
            if (e.reason() != null) g.writeStringField("reason", e.reason().name());
            if (e.caseCreated() != null) g.writeBooleanField("caseCreated", e.caseCreated());
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    /** ISO-8601 UTC instant, to the millisecond (e.g. {@code 2026-11-25T10:00:00.250Z}). */
    public static String formatTs(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}
